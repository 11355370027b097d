/**
 * Commands and /proc reads a real node (support/node.ts) runs on the machine as root: a command
 * with a deadline, the mounts under a folder, the processes whose command line names a path, the
 * cgroup v1 (and hybrid v2) hierarchies. Small on purpose: the node's setup and teardown read
 * as a list of these.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Runs a command (never a shell) with a deadline; rejects with its stderr on a non-zero exit. */
export function run(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(" ")}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    // A command that exits before reading its input closes the pipe: not an error of ours.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

/** Whether a command exists on PATH (e.g. `nft`, `ipset`). */
export async function haveCommand(command: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Mount points at or under `dir`, deepest first (so that each can be unmounted in turn). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (line.split(" ")[4] ?? "").replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point === dir || point.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** PIDs of the processes whose command line contains `needle` (a path of the run's own folder). */
export function pidsWithCommandLine(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** The mount points of every cgroup hierarchy (v1 controllers, named ones, and v2 in hybrid mode). */
export function cgroupHierarchies(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((line) => / - cgroup2? /.test(line))
    .flatMap((line) => line.split(" ")[4] ?? []);
}

export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Makes `/<name>` in every cgroup hierarchy (cpuset's needs its parent's cpus and mems to take tasks). */
export function makeCgroupRoot(name: string): void {
  for (const hierarchy of cgroupHierarchies()) {
    const path = join(hierarchy, name);
    mkdirSync(path, { recursive: true });
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      if (existsSync(join(hierarchy, file)) && readFileSync(join(path, file), "utf8").trim() === "")
        writeFileSync(join(path, file), readFileSync(join(hierarchy, file), "utf8"));
    }
  }
}

/** Every cgroup folder at or under `/<name>` in every hierarchy, deepest first. */
export function cgroupTree(name: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory()) walk(join(path, entry.name));
    out.push(path);
  };
  for (const hierarchy of cgroupHierarchies()) if (existsSync(join(hierarchy, name))) walk(join(hierarchy, name));
  return out;
}

/** PIDs in the cgroups at or under `/<name>`. */
export function cgroupPids(name: string): number[] {
  const pids = new Set<number>();
  for (const path of cgroupTree(name)) {
    try {
      for (const pid of readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) pids.add(Number(pid));
    } catch {
      // Removed meanwhile.
    }
  }
  return [...pids];
}

/** Removes the cgroups at or under `/<name>` (they must hold no process); returns those that would not go. */
export function removeCgroupTree(name: string): string[] {
  const left: string[] = [];
  for (const path of cgroupTree(name)) {
    try {
      rmdirSync(path);
    } catch {
      left.push(path);
    }
  }
  return left;
}
