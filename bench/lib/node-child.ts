// Runs a TypeScript entry point in a fresh Node process (tsx loader) and returns the one JSON
// result it prints after a marker, so that each measurement owns its process (memory, JIT, GC).
import { spawn } from "node:child_process";

export interface NodeChildOptions {
  /** Extra node flags, e.g. ["--expose-gc"]. */
  readonly nodeFlags?: readonly string[];
  readonly cwd: string;
  /** Hard limit; the child is killed (SIGKILL) after it. */
  readonly timeoutMs: number;
}

export async function runNodeChild<T>(entry: string, args: readonly string[], marker: string, options: NodeChildOptions): Promise<T> {
  const argv = [...(options.nodeFlags ?? []), "--import", "tsx", entry, ...args];
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(marker));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${entry} ${args.join(" ")} failed (exit ${code ?? signal}):\n${stderr.slice(-4000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(marker.length)) as T);
    });
  });
}
