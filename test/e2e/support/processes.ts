/**
 * Long-running processes of the end-to-end suite (etcd, the control plane,
 * kwok): each in its own process group with its output in a log file, and
 * stopped by that group, so nothing it started outlives the suite.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync } from "node:fs";

export interface Managed {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The last lines of its log, for an error message. */
  tail(lines?: number): string;
  /** Whether it has exited (on its own or stopped). */
  exited(): boolean;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

// Process groups started by the suite and not yet stopped. An interrupted run (Ctrl-C, a CI
// timeout, `kill` of mocha) skips the suite's after() hooks; these are killed on the way out instead,
// so no etcd, API server or pulumi outlives it holding ports and the cache's files.
const liveGroups = new Set<number>();
let guardInstalled = false;

function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  liveGroups.clear();
}

/** Cleanups that need more than a kill (a node's network, mounts and firewall), run first on an interruption. */
const interruptCleanups = new Set<() => Promise<void>>();
/** How long an interruption waits for the cleanups before it kills what is left and exits. */
const INTERRUPT_CLEANUP_MS = 120_000;

function installGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.once("exit", killLiveGroups);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      const cleanups = [...interruptCleanups].map((cleanup) =>
        cleanup().catch((error: Error) => process.stderr.write(`cleanup on ${signal}: ${error.message}\n`)),
      );
      const deadline = new Promise((resolve) => setTimeout(resolve, INTERRUPT_CLEANUP_MS).unref());
      void Promise.race([Promise.all(cleanups), deadline]).then(() => {
        killLiveGroups();
        // The default action now: exit as killed by this signal.
        process.kill(process.pid, signal);
      });
    });
  }
}

/**
 * Runs `cleanup` if this process is interrupted (SIGINT, SIGTERM, SIGHUP) before the returned
 * function is called; the suite's `after` hooks do not run on an interruption.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  installGuard();
  interruptCleanups.add(cleanup);
  return () => void interruptCleanups.delete(cleanup);
}

/** Tracks a detached child's process group until it exits; killed if this process is interrupted. */
export function trackGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  installGuard();
  liveGroups.add(pid);
  child.once("exit", () => liveGroups.delete(pid));
}

export function startManaged(
  name: string,
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Managed {
  try {
    accessSync(command, constants.X_OK);
  } catch {
    throw new Error(`${name}: ${command} is missing or not executable; build the toolchain with test/e2e/toolchain/build.sh`);
  }
  const log = openSync(options.logFile, "a");
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  child.on("error", () => undefined);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  trackGroup(child);
  let gone = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => (gone = true));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    pid,
    logFile: options.logFile,
    tail: (lines = 20) => readFileSync(options.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n"),
    exited: () => gone,
    async stop(graceMs = 10_000) {
      if (gone) return;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
      // Children that left the group's leader behind (none expected) get the same end.
      signalGroup("SIGKILL");
    },
  };
}

/** Polls `ready` until it answers true, the process dies, or the time is up. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  options: { timeoutMs: number; process?: Managed; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "";
  for (;;) {
    if (options.process?.exited())
      throw new Error(`${what}: ${options.process.name} exited; last lines of ${options.process.logFile}:\n${options.process.tail()}`);
    try {
      if (await ready()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const tail = options.process !== undefined ? `\nlast lines of ${options.process.logFile}:\n${options.process.tail()}` : "";
      throw new Error(`${what}: not ready within ${options.timeoutMs / 1000}s${lastError ? ` (${lastError})` : ""}${tail}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
