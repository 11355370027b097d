/**
 * The binaries the end-to-end suite runs, from the cached recipes test/e2e/toolchain/build.sh (the
 * CLI, its plugins, the control plane, kwok) and test/e2e/node/build.sh (the real node): built on
 * first use (tens of minutes), taken from the cache afterwards (seconds). A missing Go fails with
 * how to get one; a build failure shows the script's own message (module, version, step).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const TOOLCHAIN_DIR = resolve(__dirname, "..", "toolchain");
export const NODE_RECIPE_DIR = resolve(__dirname, "..", "node");

/** The pinned versions of a recipe's versions.env. */
function readVersions(recipeDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(recipeDir, "versions.env"), "utf8").split("\n")) {
    const [, name, value] = /^([A-Z_]+)=(.*)$/.exec(line.trim()) ?? [];
    if (name !== undefined && value !== undefined) out[name] = value;
  }
  return out;
}

export const toolchainVersions = (): Record<string, string> => readVersions(TOOLCHAIN_DIR);
export const nodeVersions = (): Record<string, string> => readVersions(NODE_RECIPE_DIR);

/** Runs a recipe's build.sh once per process and resolves to the folder it printed last, which must hold `binary`. */
function cachedBuild(recipeDir: string, binary: string): () => Promise<string> {
  let built: Promise<string> | undefined;
  const script = `test/e2e/${recipeDir === TOOLCHAIN_DIR ? "toolchain" : "node"}/build.sh`;
  return () =>
    (built ??= new Promise((resolveBin, reject) => {
      const child = spawn("bash", [join(recipeDir, "build.sh")], { stdio: ["ignore", "pipe", "inherit"] });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("error", (error) => reject(new Error(`cannot run ${script}: ${error.message}`)));
      child.on("exit", (code) => {
        const bin = stdout.trim().split("\n").pop() ?? "";
        if (code !== 0) {
          reject(
            new Error(
              `${script} failed (exit ${code}); its last lines above say which module and step. It needs Go 1.26 (https://go.dev/doc/install) and the Go module proxy; scripts/setup.sh builds everything once.`,
            ),
          );
        } else if (!existsSync(join(bin, binary))) {
          reject(new Error(`${script} printed "${bin}", which holds no ${binary}`));
        } else {
          resolveBin(bin);
        }
      });
    }));
}

/** Builds (or finds) the toolchain and resolves to the folder holding every binary. */
export const toolchainBin = cachedBuild(TOOLCHAIN_DIR, "pulumi");
/** Builds (or finds) the real node's binaries (CNI plugins in its cni/ subfolder). */
export const nodeBin = cachedBuild(NODE_RECIPE_DIR, "kubelet");
