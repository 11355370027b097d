import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./support/stacks";

const run = promisify(execFile);

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "render.ts"), ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

describe("npm run render (CLI)", function () {
  this.timeout(240_000);
  let work: string;
  beforeEach(() => (work = mkdtempSync(join(tmpdir(), "render-cli-"))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("writes one YAML file per Kubernetes object plus resources.json, byte-identical across runs", async () => {
    const a = join(work, "a");
    const b = join(work, "b");
    const first = await render(["local", "--out", a]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /stack local: \d+ resources/);
    const second = await render(["local", "--out", b]);
    assert.equal(second.code, 0, second.stderr);
    const files = listFiles(a).sort();
    assert.ok(files.includes("resources.json"));
    assert.ok(files.some((f) => f.startsWith("manifests/openclaw-demo/StatefulSet-")));
    assert.deepEqual(listFiles(b).sort(), files);
    for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
  });

  it("prints every problem of a bad config, exits 1 and writes nothing", async () => {
    const out = join(work, "bad");
    const result = await render(["bad", "--config", join(ROOT, "test", "config", "bad", "several-errors.yaml"), "--out", out]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /problems in the stack config; nothing was deployed/);
    for (const path of ["tenants.acme.instances.bot.resources.limits.memory", "tenants.acme.instances.bot.imgae", "tenants.Globex", "clustr"]) {
      assert.ok(result.stderr.includes(`openclaw-fleet:${path}:`), `missing ${path} in:\n${result.stderr}`);
    }
    assert.equal(existsSync(out), false, "render wrote output for a bad config");
  });

  it("fails clearly on an unknown stack", async () => {
    const result = await render(["nosuchstack", "--out", join(work, "x")]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /no stack config at .*Pulumi\.nosuchstack\.yaml/);
  });
});
