/**
 * The binaries the end-to-end suite runs, from test/e2e/toolchain/build.sh:
 * built on the first run (tens of minutes), taken from the cache afterwards
 * (seconds). A missing Go fails with how to get one; a build failure shows
 * the script's own message (module, version, step).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const TOOLCHAIN_DIR = resolve(__dirname, "..", "toolchain");

/** The pinned versions of versions.env. */
export function toolchainVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(TOOLCHAIN_DIR, "versions.env"), "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m !== null) out[m[1]] = m[2];
  }
  return out;
}

let built: Promise<string> | undefined;

/** Builds (or finds) the toolchain and resolves to the folder holding every binary. */
export function toolchainBin(): Promise<string> {
  return (built ??= new Promise((resolveBin, reject) => {
    const child = spawn("bash", [join(TOOLCHAIN_DIR, "build.sh")], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", (error) => reject(new Error(`cannot run test/e2e/toolchain/build.sh: ${error.message}`)));
    child.on("exit", (code) => {
      const bin = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0) {
        reject(new Error(`test/e2e/toolchain/build.sh failed (exit ${code}); its last lines above say which module and step. It needs Go 1.26 (https://go.dev/doc/install) and the Go module proxy.`));
      } else if (!existsSync(join(bin, "pulumi"))) {
        reject(new Error(`test/e2e/toolchain/build.sh printed "${bin}", which holds no pulumi binary`));
      } else {
        resolveBin(bin);
      }
    });
  }));
}
