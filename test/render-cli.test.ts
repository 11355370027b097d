import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { RENDER_MARKER } from "../scripts/lib/output-dir";
import { ROOT } from "./support/stacks";

const run = promisify(execFile);

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "render.ts"), ...args], {
      cwd: ROOT,
      timeout: 120_000,
    });
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
    for (const path of [
      "tenants.acme.instances.bot.resources.limits.memory",
      "tenants.acme.instances.bot.imgae",
      "tenants.Globex",
      "clustr",
    ]) {
      assert.ok(result.stderr.includes(`openclaw-fleet:${path}:`), `missing ${path} in:\n${result.stderr}`);
    }
    assert.equal(existsSync(out), false, "render wrote output for a bad config");
  });

  it("fails clearly on an unknown stack, naming the known ones, without a stack trace", async () => {
    const result = await render(["nosuchstack", "--out", join(work, "x")]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^render: no stack "nosuchstack": .*Pulumi\.nosuchstack\.yaml does not exist \(stacks in .*: dev, local, prod; or pass --config <file>\)\n$/,
    );
    assert.equal(existsSync(join(work, "x")), false);
  });

  it("reports a YAML mistake with file, line and column, without a stack trace", async () => {
    const file = join(work, "Pulumi.broken.yaml");
    writeFileSync(file, "config:\n  openclaw-fleet:tenants:\n    acme:\n      instances:\n        bot: {}\n        bot: {}\n");
    const result = await render(["broken", "--config", file, "--out", join(work, "x")]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `${file} is not a valid stack file; nothing was deployed:\n  ${file}:6:9: Map keys must be unique\n`);
  });

  it("never deletes a folder it did not write: --out . is refused and the folder kept", async () => {
    const folder = join(work, "checkout");
    mkdirSync(join(folder, "src"), { recursive: true });
    writeFileSync(join(folder, "src", "index.ts"), "keep me\n");
    writeFileSync(join(folder, "resources.json"), "a file of the user's that happens to share a name\n");
    const result = await render(["local", "--out", folder]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /holds files a render did not write \(src\)/);
    assert.equal(readFileSync(join(folder, "src", "index.ts"), "utf8"), "keep me\n");
    assert.equal(readFileSync(join(folder, "resources.json"), "utf8"), "a file of the user's that happens to share a name\n");
  });

  it("renders again into its own folder, replacing only what it wrote", async () => {
    const out = join(work, "out");
    assert.equal((await render(["local", "--out", out])).code, 0);
    writeFileSync(join(out, "manifests", "stale.yaml"), "from an older render\n");
    const again = await render(["local", "--out", out]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(existsSync(join(out, "manifests", "stale.yaml")), false);
    assert.ok(existsSync(join(out, RENDER_MARKER)));
  });

  it("renders IRSA with only cluster.eks.clusterName offline, saying where it shows placeholders", async () => {
    const file = join(work, "Pulumi.irsa.yaml");
    const dev = readFileSync(join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
    writeFileSync(
      file,
      dev
        .split("\n")
        .filter((line) => !/oidcProviderArn|oidcIssuer/.test(line))
        .join("\n"),
    );
    const out = join(work, "irsa");
    const result = await render(["irsa", "--config", file, "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /looks them up from EKS cluster "openclaw-dev"; this offline render shows the placeholder issuer oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/LOOKED-UP-AT-DEPLOY-openclaw-dev/,
    );
    const resources = readFileSync(join(out, "resources.json"), "utf8");
    assert.ok(
      resources.includes("oidc.eks.eu-west-1.amazonaws.com/id/LOOKED-UP-AT-DEPLOY-openclaw-dev:sub"),
      "the trust policies name the looked-up issuer",
    );
  });
});
