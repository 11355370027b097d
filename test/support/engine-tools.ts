// The exact binaries the backup image ships (rclone, built from its Go module) and the second S3
// implementation (moto), from test/toolchain/build.sh's cache. Tests never build: a missing tool
// fails with the command that installs it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const BUILD_SCRIPT = join(__dirname, "..", "toolchain", "build.sh");

const paths = new Map<string, string>();

/** PATH entries of cached tools: "tests" (rclone 1.68.2 and moto_server) or "restic"; a thrown error says how to build them. */
export function cachedToolsPath(which: "tests" | "restic"): string {
  const known = paths.get(which);
  if (known !== undefined) return known;
  try {
    const out = execFileSync("bash", [BUILD_SCRIPT, which], {
      env: { ...process.env, GO_TOOLS_CHECK_ONLY: "1" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const path = out.trim().split("\n").pop() ?? "";
    paths.set(which, path);
    return path;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(
      `the engine tests run the backup image's exact rclone and moto's S3 server (the bench also restic); run scripts/setup.sh once (5-10 minutes cold; or test/toolchain/build.sh ${which} alone)\n${stderr}`,
    );
  }
}

/** PATH entries of the tools the tests run (rclone 1.68.2, moto_server). */
export function engineToolsPath(): string {
  return cachedToolsPath("tests");
}

/**
 * Puts the cached tools first on this process's PATH (once), so every rclone the tests start,
 * the engine's included, is the image's version.
 */
export function useEngineTools(): void {
  const path = engineToolsPath();
  const current = process.env.PATH ?? "";
  if (!current.startsWith(`${path}:`)) process.env.PATH = `${path}:${current}`;
}
