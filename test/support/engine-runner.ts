// Runs the backup engine exactly as a pod would: a plain env record and an argv, nothing inherited
// from the test process except PATH (so AWS_CA_BUNDLE and friends never leak into rclone).
// Always async (spawn): s3rver runs in this process and needs the event loop while rclone talks to it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_ENTRYPOINT } from "../../components/builders/backup/engine";
import { useEngineTools } from "./engine-tools";
import type { S3Server } from "./s3server";

export interface RunEngineOptions {
  /** The container's env, as a plain record (what a rendered CronJob/Job would set). */
  env: Readonly<Record<string, string>>;
  /** Arguments after the script, e.g. ["backup"] or ["verify", "acme/bot/latest"]. */
  args: readonly string[];
  /** Full command instead of `<shell> <ENGINE_DIR>/openclaw-backup.sh` (e.g. a rendered container's). */
  command?: readonly string[];
  cwd?: string;
  /** Run under busybox sh with busybox applets first on PATH, as in the alpine-based rclone image (default; OCB_TEST_BUSYBOX=0 runs the host's sh instead). */
  busybox?: boolean;
  /** Kill the engine after this long; every test bounds its runs. Default 120 s. */
  timeoutMs?: number;
  /** Called with each stderr chunk as it arrives (to act at a given step, e.g. cut the network). */
  onStderr?: (chunk: string, soFar: string) => void;
}

export interface EngineResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** JSON events printed on stdout ({"event":"backup.complete",...}). */
  events: EngineEvent[];
  timedOut: boolean;
  durationMs: number;
}

export interface EngineEvent {
  event: string;
  [field: string]: string | number | boolean;
}

let busyboxBin: string | undefined;

/** A directory of busybox applet links, shadowing GNU coreutils/findutils/gawk/mawk on PATH. */
export async function busyboxPath(): Promise<string> {
  if (busyboxBin) return busyboxBin;
  const list = await run("busybox", ["--list"], {}).catch(() => undefined);
  if (!list || list.code !== 0) {
    throw new Error("busybox is not installed; the engine must run under busybox (rclone image). Install it: apt-get install -y busybox");
  }
  const dir = mkdtempSync(join(tmpdir(), "ocb-busybox-"));
  for (const applet of list.stdout.split("\n").filter(Boolean)) {
    symlinkSync("/usr/bin/busybox", join(dir, applet));
  }
  busyboxBin = dir;
  return dir;
}

let home: string | undefined;
function testHome(): string {
  home ??= mkdtempSync(join(tmpdir(), "ocb-home-"));
  mkdirSync(home, { recursive: true });
  return home;
}

export async function runEngine(options: RunEngineOptions): Promise<EngineResult> {
  const basePath = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
  let path = basePath;
  let command: readonly string[];
  if (options.command) {
    command = options.command;
  } else if (options.busybox ?? process.env.OCB_TEST_BUSYBOX !== "0") {
    const bin = await busyboxPath();
    path = `${bin}:${basePath}`;
    command = [join(bin, "sh"), join(ENGINE_DIR, ENGINE_ENTRYPOINT)];
  } else {
    command = [process.env.OCB_TEST_SHELL ?? "sh", join(ENGINE_DIR, ENGINE_ENTRYPOINT)];
  }
  const env = { PATH: path, HOME: testHome(), TMPDIR: tmpdir(), ...options.env };
  const [file, ...rest] = command;
  if (!file) throw new Error("runEngine: empty command");
  const result = await run(file, [...rest, ...options.args], env, options);
  const events: EngineEvent[] = [];
  for (const line of result.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // not an event line
    }
  }
  return { ...result, events };
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** Async spawn with a hard time limit. */
export function run(
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { cwd?: string; timeoutMs?: number; onStderr?: (chunk: string, soFar: string) => void; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // stdin is /dev/null as in a pod, unless the caller feeds input (e.g. `rclone obscure -`).
    const child = spawn(file, [...args], {
      env: { ...env },
      cwd: options.cwd,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 120_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk, stderr);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
    if (child.stdin) {
      child.stdin.on("error", () => undefined); // the child may exit before reading its input
      child.stdin.end(options.input);
    }
  });
}

/** rclone's env config for the remote "store" pointing at the test server. */
export function storeEnv(s3: S3Server): Record<string, string> {
  return {
    RCLONE_CONFIG_STORE_TYPE: "s3",
    RCLONE_CONFIG_STORE_PROVIDER: "Other",
    RCLONE_CONFIG_STORE_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_STORE_REGION: "us-east-1",
    RCLONE_CONFIG_STORE_ACCESS_KEY_ID: s3.accessKeyId,
    RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: s3.secretAccessKey,
    RCLONE_CONFIG_STORE_FORCE_PATH_STYLE: "true",
  };
}

/**
 * Points a rendered env (e.g. a CronJob container's) at the test server: the endpoint and static
 * keys replace IRSA/Pod Identity and SSE-KMS settings, which s3rver cannot honour; the bucket is
 * replaced too unless keepBucket. Everything else (OCB_*) stays exactly as rendered.
 */
export function withStore(
  env: Readonly<Record<string, string>>,
  s3: S3Server,
  options: { keepBucket?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("RCLONE_CONFIG_STORE_")) continue;
    out[name] = value;
  }
  Object.assign(out, storeEnv(s3));
  if (!options.keepBucket) out.OCB_BUCKET = s3.bucket;
  return out;
}

/** A Kubernetes container env list -> plain record; secretKeyRef/configMapKeyRef values come from `refs` ("name/key"). */
export function envFromContainer(
  env: readonly {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
  }[],
  refs: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env) {
    if (entry.value !== undefined) {
      out[entry.name] = entry.value;
      continue;
    }
    const ref = entry.valueFrom?.secretKeyRef ?? entry.valueFrom?.configMapKeyRef;
    if (!ref) continue; // fieldRef etc.: not needed off-cluster
    const value = refs[`${ref.name}/${ref.key}`];
    if (value === undefined) throw new Error(`envFromContainer: no value given for ${entry.name} (${ref.name}/${ref.key})`);
    out[entry.name] = value;
  }
  return out;
}

/**
 * A rendered container command (e.g. ["sh", "/opt/openclaw-backup/openclaw-backup.sh", "backup"])
 * with the ConfigMap mount path mapped to the engine folder in this repo.
 */
export function commandFromContainer(argv: readonly string[], engineMountPath: string): string[] {
  const mount = engineMountPath.replace(/\/+$/, "");
  return argv.map((arg) => (arg.startsWith(`${mount}/`) ? join(ENGINE_DIR, arg.slice(mount.length + 1)) : arg));
}

/**
 * Fails (never skips) when a tool the data path needs is missing. Puts the backup image's exact
 * rclone (test/toolchain/build.sh) first on PATH before looking, so every suite runs that one.
 */
export async function requireTools(tools: readonly string[] = ["rclone", "sqlite3"]): Promise<void> {
  useEngineTools();
  const missing: string[] = [];
  for (const tool of tools) {
    const ok = await run(tool, tool === "sqlite3" ? ["-version"] : ["version"], { PATH: process.env.PATH ?? "" }, { timeoutMs: 10_000 })
      .then((r) => r.code === 0)
      .catch(() => false);
    if (!ok) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} not found on PATH: the engine tests run the real binaries. Install: apt-get install -y ${missing.join(" ")}`,
    );
  }
}

/** Runs rclone against the test server with the same env-only config the engine uses. */
export async function rclone(s3: S3Server, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return run(
    "rclone",
    ["--config", "", "--fast-list", ...args],
    { PATH: process.env.PATH ?? "", HOME: testHome(), ...storeEnv(s3) },
    { timeoutMs },
  );
}

/** Engine env for a test: the store, the bucket, and the given OCB_* values. */
export function engineEnv(s3: S3Server, values: Readonly<Record<string, string>>): Record<string, string> {
  return { ...storeEnv(s3), OCB_BUCKET: s3.bucket, OCB_RCLONE_CONNECT_TIMEOUT: "5s", ...values };
}

/** Asserts exit code `code`, showing the engine's log when it is not. */
export function expectExit(result: EngineResult, code: number, what: string): void {
  if (result.code !== code || result.timedOut) {
    throw new Error(
      `${what}: expected exit ${code}, got ${result.code}${result.timedOut ? " (timed out)" : ""}\n--- stderr ---\n${result.stderr}\n--- stdout ---\n${result.stdout}`,
    );
  }
}

/** The single event of a kind the engine printed (throws if absent). */
export function eventOf(result: EngineResult, name: string): EngineEvent {
  const found = result.events.find((e) => e.event === name);
  if (!found) throw new Error(`no ${name} event in engine output:\n${result.stdout}\n${result.stderr}`);
  return found;
}

/** 2026-11-22T03:50:12.345Z -> 20261122T035012Z (the engine's snapshot time format). */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

let lastStamp = 0;
/** A current time for OCB_NOW, strictly increasing across calls, so fast tests never collide. */
export function uniqueStamp(): string {
  lastStamp = Math.max(lastStamp + 1, Math.floor(Date.now() / 1000));
  return utcStamp(new Date(lastStamp * 1000));
}

/**
 * The manifest of a plain snapshot as the engine reads it: a v5 index is replaced by the v4
 * manifest its chunks (in the instance's pool) make up, each checked against its sha256. `chunks`:
 * the bucket keys of those chunks (empty for older formats).
 */
export async function readManifest(s3: S3Server, snapshot: string): Promise<{ text: string; index: string | undefined; chunks: string[] }> {
  const manifest = await rclone(s3, ["cat", `store:${s3.bucket}/${snapshot}/manifest.tsv`]);
  if (manifest.code !== 0) throw new Error(`cannot read the manifest of ${snapshot}: ${manifest.stderr}`);
  const lines = manifest.stdout.split("\n").filter((l) => l !== "");
  if (lines[0] !== "#openclaw-backup-manifest v5") return { text: manifest.stdout, index: undefined, chunks: [] };
  const instance = snapshot.split("/").slice(0, -2).join("/");
  const chunks: string[] = [];
  let text = "";
  for (const line of lines.slice(1)) {
    const [type, stamp, sha, size] = line.split("\t");
    if (type !== "m" || stamp === undefined || sha === undefined || size === undefined)
      throw new Error(`${snapshot}: bad index line ${JSON.stringify(line)}`);
    const key = `${instance}/pool/manifests/${stamp}/${sha}`;
    const chunk = await rclone(s3, ["cat", `store:${s3.bucket}/${key}`]);
    if (chunk.code !== 0) throw new Error(`cannot read the manifest chunk ${key}: ${chunk.stderr}`);
    if (createHash("sha256").update(chunk.stdout).digest("hex") !== sha || Buffer.byteLength(chunk.stdout) !== Number(size))
      throw new Error(`manifest chunk ${key} does not match its index`);
    chunks.push(key);
    text += chunk.stdout;
  }
  return { text, index: manifest.stdout, chunks: [...new Set(chunks)] };
}

/**
 * Where a snapshot's data lives (manifest v4/v5, plain snapshots): bucket keys of the pool objects,
 * by file path for files stored alone and by pack name for packs, and the manifest's own chunks.
 * Read from the manifest itself.
 */
export async function poolKeys(s3: S3Server, snapshot: string): Promise<{ files: Map<string, string>; packs: string[]; chunks: string[] }> {
  const manifest = await readManifest(s3, snapshot);
  const instance = snapshot.split("/").slice(0, -2).join("/");
  const sha = new Map<string, string>();
  const files = new Map<string, string>();
  const packs: string[] = [];
  const lines = manifest.text.split("\n");
  for (const line of lines) {
    const f = line.split("\t");
    if (f[0] === "f") sha.set(f.slice(4).join("\t"), f[1] ?? "");
    if (f[0] === "p") packs.push(`${instance}/pool/packs/${f[1]}/${f[3]}.tar`);
  }
  for (const line of lines) {
    const f = line.split("\t");
    if (f[0] === "l" && f[1]?.startsWith("=")) {
      const path = f.slice(2).join("\t");
      files.set(path, `${instance}/pool/objects/${f[1].slice(1)}/${sha.get(path)}`);
    }
  }
  return { files, packs, chunks: manifest.chunks };
}
