import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ROOT } from "../support/stacks";

/**
 * scripts/setup.sh, the first half of the README's test command, against an empty home and cache
 * folder (a fresh machine) and against this machine's cache. `--check` runs the same steps as a
 * real set-up, building nothing: each tool a fresh machine would build must be named.
 */
describe("scripts/setup.sh on a fresh machine", function () {
  this.timeout(300_000);

  const EVERY_TOOL = [
    "rclone",
    "moto",
    "tailscale",
    "grafana-dashboard-check",
    "otelcol",
    "pulumi ",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
    "kubernetes",
    "kwok",
    "kubelet+kube-proxy",
    "containerd",
    "runc",
    "cni-plugins",
    "kube-router",
    "coredns",
    "pause",
  ];

  /** PATH without any folder holding a `pulumi` (a fresh machine has none). */
  function pathWithoutPulumi(): string {
    return (process.env.PATH ?? "")
      .split(delimiter)
      .filter((dir) => {
        try {
          return !readdirSync(dir).includes("pulumi");
        } catch {
          return false;
        }
      })
      .join(delimiter);
  }

  function check(args: string[], cache?: string): { status: number | null; missing: string[]; stderr: string } {
    const home = mkdtempSync(join(tmpdir(), "ocf-setup-home-"));
    try {
      const env: NodeJS.ProcessEnv = { PATH: pathWithoutPulumi(), HOME: home, TMPDIR: tmpdir() };
      // A fresh home either way; without a cache of its own, the check looks at this machine's.
      env.OPENCLAW_FLEET_CACHE = cache ?? process.env.OPENCLAW_FLEET_CACHE ?? join(homedir(), ".cache", "openclaw-fleet");
      const result = spawnSync("bash", [join(ROOT, "scripts", "setup.sh"), "--check", ...args], {
        env,
        encoding: "utf8",
        timeout: 100_000,
      });
      assert.equal(result.error, undefined, String(result.error));
      const missing = result.stderr.split("\n").filter((line) => /missing: /.test(line));
      return { status: result.status, missing, stderr: result.stderr };
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }

  it("with an empty cache, names every tool it would build, exits 3, and builds nothing", () => {
    const cache = mkdtempSync(join(tmpdir(), "ocf-setup-cache-"));
    try {
      const result = check(["tests"], cache);
      assert.equal(result.status, 3, result.stderr);
      for (const tool of EVERY_TOOL)
        assert.ok(
          result.missing.some((line) => line.includes(tool)),
          `${tool} is not named:\n${result.stderr}`,
        );
      const built = readdirSync(cache).filter((entry) => !["gomod", "gobuild"].includes(entry));
      assert.deepEqual(
        built.filter((entry) => readdirSync(join(cache, entry)).length > 0),
        [],
        "a check built something",
      );
      assert.match(result.stderr, /missing: scripts\/setup\.sh tests installs and builds them/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("for the local stack alone, with no pulumi on PATH, needs only the CLI and its plugins", () => {
    const cache = mkdtempSync(join(tmpdir(), "ocf-setup-cache-"));
    try {
      const result = check(["local"], cache);
      assert.equal(result.status, 3, result.stderr);
      const tools = result.missing.filter((line) => !/npm packages/.test(line) && !/installs and builds them/.test(line));
      assert.deepEqual(tools.map((line) => /missing: (\S+)/.exec(line)?.[1]).sort(), [
        "pulumi",
        "pulumi-language-nodejs",
        "pulumi-resource-kubernetes",
      ]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("on this machine, after set-up, nothing is missing", () => {
    const result = check(["tests"]);
    const tools = result.missing.filter((line) => !/npm packages|installs and builds them/.test(line));
    assert.deepEqual(tools, [], `run scripts/setup.sh first:\n${result.stderr}`);
  });
});
