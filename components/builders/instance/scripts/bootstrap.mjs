// Prepares an instance's state volume. Runs in the `init-config` init
// container (`all`: config, then workspace) and in the app container's
// postStart hook (`config`: restores the managed config on every container
// start, so a config the agent broke cannot crashloop the pod).
// Every input comes from the environment; nothing here is templated.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

const env = process.env;

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (lists included) is replaced by `over`. */
function deepMerge(base, over) {
  if (!isObject(base) || !isObject(over)) return over;
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

function loadJson5() {
  // OpenClaw reads its own config as JSON5, so its image ships the parser: no registry access at start.
  const roots = [env.OPENCLAW_APP_DIR || "/app", process.cwd()];
  try {
    return require(require.resolve("json5", { paths: roots }));
  } catch {
    return fail(`config.format is json5, but the json5 module is not in the OpenClaw image (looked under ${roots.join(", ")})`);
  }
}

function parse(file, format) {
  const text = fs.readFileSync(file, "utf8");
  try {
    return format === "json5" ? loadJson5().parse(text) : JSON.parse(text);
  } catch (err) {
    return fail(`${file} is not valid ${format}: ${err.message}`);
  }
}

function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function applyConfig() {
  const stateDir = env.OPENCLAW_STATE_DIR;
  let desired = parse(env.CONFIG_SOURCE, env.CONFIG_FORMAT || "json");
  if (!isObject(desired)) fail(`${env.CONFIG_SOURCE} must hold a JSON object`);
  // The managed settings (gateway bind and port, sidecar wiring) sit under the user's own config.
  if (env.CONFIG_OVERLAY) desired = deepMerge(parse(env.CONFIG_OVERLAY, "json"), desired);
  const target = path.join(stateDir, "openclaw.json");
  if (env.CONFIG_MERGE_MODE === "merge" && fs.existsSync(target)) {
    let current;
    try {
      current = JSON.parse(fs.readFileSync(target, "utf8"));
    } catch {
      current = undefined;
    }
    if (isObject(current)) {
      desired = deepMerge(current, desired);
    } else {
      // Never lose what was there: keep it beside the new file.
      const aside = `${target}.unreadable-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(target, aside);
      process.stderr.write(`bootstrap: ${target} was not a JSON object; moved it to ${aside}\n`);
    }
  }
  writeAtomic(target, `${JSON.stringify(desired, null, 2)}\n`);
}

/** Resolves `relative` inside `root`, refusing anything that would escape it. */
function within(root, relative) {
  const resolved = path.resolve(root, relative);
  if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) fail(`${relative} is outside ${root}`);
  return resolved;
}

function seedFiles(seedDir, workspace, relative) {
  for (const entry of fs.readdirSync(path.join(seedDir, relative))) {
    // ConfigMap volumes keep their payload in `..data` and `..<timestamp>` folders behind symlinks.
    if (entry.startsWith("..")) continue;
    const rel = path.join(relative, entry);
    const stat = fs.statSync(path.join(seedDir, rel));
    if (stat.isDirectory()) {
      seedFiles(seedDir, workspace, rel);
      continue;
    }
    const target = within(workspace, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    try {
      // `wx`: written only when absent, so the agent's edits survive every restart.
      fs.writeFileSync(target, fs.readFileSync(path.join(seedDir, rel)), { flag: "wx", mode: 0o644 });
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
  }
}

function seedWorkspace() {
  const workspace = path.resolve(env.WORKSPACE_DIR);
  fs.mkdirSync(workspace, { recursive: true });
  for (const dir of JSON.parse(env.WORKSPACE_DIRECTORIES || "[]")) fs.mkdirSync(within(workspace, dir), { recursive: true });
  if (env.WORKSPACE_SEED_DIR && fs.existsSync(env.WORKSPACE_SEED_DIR)) seedFiles(env.WORKSPACE_SEED_DIR, workspace, "");
}

const step = process.argv[2] || "all";
if (step !== "all" && step !== "config") fail(`unknown step ${step}`);
applyConfig();
if (step === "all") seedWorkspace();
