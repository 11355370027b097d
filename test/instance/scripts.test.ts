import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BOOTSTRAP = join(__dirname, "..", "..", "components", "builders", "instance", "scripts", "bootstrap.mjs");

/** Runs bootstrap.mjs for real (it is what init-config and the postStart hook run) against a temporary layout. */
describe("instance bootstrap script (init-config / postStart)", () => {
  let root: string;
  let state: string;
  let config: string;
  let seed: string;
  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? "",
    OPENCLAW_STATE_DIR: state,
    CONFIG_SOURCE: join(config, "openclaw.json"),
    CONFIG_FORMAT: "json",
    CONFIG_MERGE_MODE: "overwrite",
    WORKSPACE_DIR: join(state, "workspace"),
    ...extra,
  });
  // The working directory is the temp layout: the script must find json5 in the app, not in this repository.
  const bootstrap = (extra: Record<string, string> = {}, step = "all") =>
    run(process.execPath, [BOOTSTRAP, step], { env: env(extra), cwd: root });
  const onVolume = (): unknown => JSON.parse(readFileSync(join(state, "openclaw.json"), "utf8"));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "bootstrap-"));
    state = join(root, "state");
    config = join(root, "config");
    seed = join(root, "seed");
    for (const d of [state, config, seed]) mkdirSync(d);
    writeFileSync(join(config, "openclaw.json"), JSON.stringify({ gateway: { port: 18789 }, agents: { list: ["a"] } }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("overwrite: replaces the file on the volume", async () => {
    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ runtime: true }));
    await bootstrap();
    assert.deepEqual(onVolume(), { gateway: { port: 18789 }, agents: { list: ["a"] } });
  });

  it("merge: keeps runtime changes, and the desired config wins where both set a key", async () => {
    writeFileSync(
      join(state, "openclaw.json"),
      JSON.stringify({ runtime: { paired: true }, gateway: { port: 1, extra: "kept" }, agents: { list: ["x", "y"] } }),
    );
    await bootstrap({ CONFIG_MERGE_MODE: "merge" });
    assert.deepEqual(onVolume(), { runtime: { paired: true }, gateway: { port: 18789, extra: "kept" }, agents: { list: ["a"] } });
  });

  it("merge: an unreadable file is moved aside, never lost", async () => {
    writeFileSync(join(state, "openclaw.json"), "{ not json");
    await bootstrap({ CONFIG_MERGE_MODE: "merge" });
    assert.deepEqual(onVolume(), { gateway: { port: 18789 }, agents: { list: ["a"] } });
    const aside = readdirSync(state).filter((f) => f.startsWith("openclaw.json.unreadable-"));
    const [asideFile] = aside;
    assert.ok(aside.length === 1 && asideFile !== undefined, `one file moved aside, not ${aside.length}`);
    assert.equal(readFileSync(join(state, asideFile), "utf8"), "{ not json");
  });

  it("configMapRef: the managed overlay sits under the user's file", async () => {
    writeFileSync(join(config, "managed.json"), JSON.stringify({ gateway: { bind: "lan", port: 18789 }, logging: { level: "info" } }));
    writeFileSync(join(config, "openclaw.json"), JSON.stringify({ gateway: { port: 9999 }, x: 1 }));
    await bootstrap({ CONFIG_OVERLAY: join(config, "managed.json") });
    assert.deepEqual(onVolume(), { gateway: { bind: "lan", port: 9999 }, logging: { level: "info" }, x: 1 });
  });

  it("json5: parsed with the json5 module the OpenClaw image ships, without the network", async () => {
    // The app directory is the pinned OpenClaw package (the image's /app): its own json5 dependency parses the file.
    const app = join(__dirname, "..", "..", "node_modules", "openclaw");
    writeFileSync(join(config, "openclaw.json"), "{ a: 1, // comment\n  b: 'two', }");
    await bootstrap({ CONFIG_FORMAT: "json5", OPENCLAW_APP_DIR: app });
    assert.deepEqual(onVolume(), { a: 1, b: "two" });
    await assert.rejects(
      bootstrap({ CONFIG_FORMAT: "json5", OPENCLAW_APP_DIR: join(root, "nowhere") }),
      /json5 module is not in the OpenClaw image/,
    );
  });

  it("fails loudly on invalid JSON config and leaves the volume alone", async () => {
    writeFileSync(join(state, "openclaw.json"), '{"keep":true}');
    writeFileSync(join(config, "openclaw.json"), "{ broken");
    await assert.rejects(bootstrap(), /is not valid json/);
    assert.deepEqual(onVolume(), { keep: true });
  });

  it("workspace: creates directories and seeds files only when absent, through ConfigMap-style symlinks", async () => {
    // A ConfigMap volume: the payload in ..data, the visible entries symlinks into it.
    mkdirSync(join(seed, "..data", "tools"), { recursive: true });
    writeFileSync(join(seed, "..data", "AGENTS.md"), "seeded\n");
    writeFileSync(join(seed, "..data", "tools", "setup.sh"), "echo hi\n");
    symlinkSync("..data/AGENTS.md", join(seed, "AGENTS.md"));
    symlinkSync("..data/tools", join(seed, "tools"));
    mkdirSync(join(state, "workspace"));
    writeFileSync(join(state, "workspace", "AGENTS.md"), "edited by the agent\n");
    await bootstrap({ WORKSPACE_SEED_DIR: seed, WORKSPACE_DIRECTORIES: JSON.stringify(["memory", "a/b/c"]) });
    assert.equal(readFileSync(join(state, "workspace", "AGENTS.md"), "utf8"), "edited by the agent\n");
    assert.equal(readFileSync(join(state, "workspace", "tools", "setup.sh"), "utf8"), "echo hi\n");
    assert.ok(existsSync(join(state, "workspace", "memory")) && existsSync(join(state, "workspace", "a", "b", "c")));
    assert.ok(!existsSync(join(state, "workspace", "..data")));
  });

  it("workspace: refuses a directory outside the workspace", async () => {
    await assert.rejects(bootstrap({ WORKSPACE_DIRECTORIES: JSON.stringify(["../escape"]) }), /is outside/);
    assert.ok(!existsSync(join(state, "escape")));
  });

  it("the postStart step applies the config only", async () => {
    await bootstrap({ WORKSPACE_DIRECTORIES: JSON.stringify(["memory"]) }, "config");
    assert.ok(existsSync(join(state, "openclaw.json")));
    assert.ok(!existsSync(join(state, "workspace")));
  });
});
