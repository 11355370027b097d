/**
 * The real node's binaries, from test/e2e/node/build.sh: built on first use (tens of minutes on 2
 * cores), taken from the cache afterwards (under a second).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const NODE_RECIPE_DIR = resolve(__dirname, "..", "node");

/** The pinned versions of test/e2e/node/versions.env. */
export function nodeVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(NODE_RECIPE_DIR, "versions.env"), "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m !== null) out[m[1]] = m[2];
  }
  return out;
}

let built: Promise<string> | undefined;

export function nodeBin(): Promise<string> {
  return (built ??= new Promise((resolveBin, reject) => {
    const child = spawn("bash", [join(NODE_RECIPE_DIR, "build.sh")], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", (error) => reject(new Error(`cannot run test/e2e/node/build.sh: ${error.message}`)));
    child.on("exit", (code) => {
      const bin = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`test/e2e/node/build.sh failed (exit ${code}); its last lines above name the module and step`));
      else if (!existsSync(join(bin, "kubelet"))) reject(new Error(`test/e2e/node/build.sh printed "${bin}", which holds no kubelet`));
      else resolveBin(bin);
    });
  }));
}
