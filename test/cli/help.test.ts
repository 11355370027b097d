// The CLI's help and its errors for a stack file it cannot read; nothing here needs a store.
import * as assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, USAGE } from "../../cli/main";

async function run(argv: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { env: {}, cwd, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("fleet CLI help and input errors", () => {
  for (const argv of [["help"], ["-h"], ["--help"], ["--stack", "prod", "-h"]]) {
    it(`answers ${argv.join(" ")} with the usage and exit 0`, async () => {
      const result = await run(argv);
      assert.equal(result.code, 0);
      assert.equal(result.out, USAGE);
    });
  }

  it("still exits 2 with the usage when no command is given", async () => {
    const result = await run([]);
    assert.equal(result.code, 2);
    assert.equal(result.out, USAGE);
  });

  it("refuses an unknown short option in one line", async () => {
    const result = await run(["-x", "doctor"]);
    assert.equal(result.code, 2);
    assert.equal(result.err, "error: unknown option -x (see --help)");
  });

  it("documents every environment variable the CLI's code reads", () => {
    const dir = join(__dirname, "..", "..", "cli");
    const source = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(join(dir, f), "utf8").replace(USAGE, ""))
      .join("\n");
    const names = new Set<string>();
    for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) if (m[1] !== undefined) names.add(m[1]);
    for (const m of source.matchAll(/"((?:OPENCLAW_FLEET|AWS|PULUMI)_[A-Z0-9_]+|KUBECONFIG)"/g)) if (m[1] !== undefined) names.add(m[1]);
    assert.ok(names.has("OPENCLAW_FLEET_STACK") && names.has("AWS_ACCESS_KEY_ID"), [...names].join(", "));
    const undocumented = [...names].filter((name) => !USAGE.includes(name));
    assert.deepEqual(undocumented, [], "list these under Environment: in cli/main.ts USAGE");
  });

  it("reports a YAML mistake in the stack file with file, line and column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-help-"));
    try {
      const file = join(dir, "Pulumi.broken.yaml");
      writeFileSync(file, "config:\n  openclaw-fleet:defaults:\n    image:\n\ttag: x\n");
      const result = await run(["--stack", "broken", "--stacks-dir", dir, "backups", "status"]);
      assert.equal(result.code, 2);
      assert.equal(
        result.err,
        `error: ${file} is not a valid stack file; nothing was deployed:\n  ${file}:4:1: Tabs are not allowed as indentation`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
