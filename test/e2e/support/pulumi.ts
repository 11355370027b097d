/**
 * The real `pulumi` CLI over a copy of this project, with a local file
 * backend and a home folder of its own, exactly as the README tells users to
 * run it. The copy keeps the checkout clean: `pulumi up` of the local stack
 * writes rendered/, and `pulumi stack init` rewrites the stack file.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { userPath } from "./suite";
import { trackGroup } from "./processes";

export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for messages. */
  readonly output: string;
  readonly ms: number;
}

export interface Project {
  /** The copy's root. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** `pulumi <args>` in the copy; never throws on a non-zero exit (see `ok`). */
  pulumi(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Like `pulumi`, and fails with the command's output unless it exits 0. */
  ok(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Any command in the copy with the same environment (npm, the fleet CLI). */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Writes (or replaces) a file of the copy. */
  write(relative: string, text: string): void;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

export interface ProjectOptions {
  /** The toolchain's bin folder, first on PATH. */
  readonly binDir: string;
  /** Where the copy, the backend and the home folder go. */
  readonly dir: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The files git tracks (or would: untracked, not ignored), copied; node_modules linked. */
export function copyProject(dest: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    const to = join(dest, file);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(REPO_ROOT, file), to);
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dest, "node_modules"), "dir");
}

export function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolveResult, reject) => {
    const child = spawn(command, args, { cwd, env: { ...env, ...options.env }, stdio: ["pipe", "pipe", "pipe"], detached: true });
    trackGroup(child);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.stdin.end(options.input ?? "");
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => {
      // The whole group: pulumi's plugins and the program's node process with it.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      reject(new Error(`${command} ${args.join(" ")}: killed after ${timeoutMs / 1000}s; output so far:\n${output}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveResult({ code: code ?? -1, stdout, stderr, output, ms: Date.now() - started });
    });
  });
}

export function openProject(options: ProjectOptions): Project {
  const dir = join(options.dir, "project");
  const home = join(options.dir, "home");
  mkdirSync(home, { recursive: true });
  mkdirSync(join(options.dir, "state"), { recursive: true });
  copyProject(dir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PULUMI_HOME: join(home, ".pulumi"),
    // `pulumi login --local` means file://~, and the CLI takes ~ from the user database, not $HOME:
    // the state would land in the real home. The backend URL in the environment wins over a login.
    PULUMI_BACKEND_URL: `file://${join(options.dir, "state")}`,
    PATH: userPath(options.binDir),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...options.env,
  };
  const run = (command: string, args: readonly string[], opts?: RunOptions) => runCommand(command, args, dir, env, opts);
  const pulumi = (args: readonly string[], opts?: RunOptions) => run("pulumi", ["--non-interactive", ...args], opts);
  return {
    dir,
    env,
    pulumi,
    run,
    async ok(args, opts) {
      const result = await pulumi(args, opts);
      if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
      return result;
    },
    write(relative, text) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
  };
}

/**
 * Warnings that come from the test rig, not the program: plugins found on PATH, a provider built
 * from a pseudo-version (docs/e2e.md), and a brand-new API server whose ClusterIP repair loop has
 * not caught up yet.
 */
const RIG_WARNING =
  /using pulumi-(language-nodejs|resource-[a-z-]+) from \$PATH|resource plugin kubernetes is expected to have version|ClusterIPNotAllocated/;

/** The warning lines of a command's output that the program (or Pulumi about the program) printed. */
export function ourWarnings(output: string): string[] {
  return output.split("\n").filter((line) => /warning:/.test(line) && !RIG_WARNING.test(line));
}
