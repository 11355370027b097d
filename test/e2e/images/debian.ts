/**
 * Files from Debian packages of this machine's release, without installing
 * them: `apt-get download` + `dpkg-deb -x` into the images cache, keyed by the
 * package's version. Used for the static busybox (installing
 * `busybox-static` would replace the `busybox` package the tests use).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { imagesCacheDir } from "./build";

function run(command: string, args: readonly string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The candidate version apt would install, e.g. `1:1.35.0-4+deb12u1+b1`. */
export function debianVersion(pkg: string): string {
  const version = /^Version: (.+)$/m.exec(run("apt-cache", ["show", "--no-all-versions", pkg]))?.[1];
  if (version === undefined) throw new Error(`apt-cache knows no package ${pkg}: run apt-get update`);
  return version;
}

/** The folder a Debian package is unpacked into (its data, not its scripts); unpacked once per version. */
export function unpackedDebian(pkg: string, log: (message: string) => void): string {
  const version = debianVersion(pkg);
  const dir = join(imagesCacheDir(), "debian", `${pkg}_${version.replace(/[^A-Za-z0-9.+-]/g, "_")}`);
  if (existsSync(dir)) return dir;
  log(`downloading the Debian package ${pkg} ${version} (apt-get download; nothing is installed)`);
  mkdirSync(join(imagesCacheDir(), "debian"), { recursive: true });
  const temp = mkdtempSync(join(imagesCacheDir(), "debian", ".unpack-"));
  try {
    run("apt-get", ["download", `${pkg}=${version}`], temp);
    const deb = readdirSync(temp).find((name) => name.endsWith(".deb"));
    if (deb === undefined) throw new Error(`apt-get download ${pkg} left no .deb in ${temp}`);
    run("dpkg-deb", ["-x", join(temp, deb), join(temp, "root")]);
    if (!existsSync(dir)) renameSync(join(temp, "root"), dir);
    return dir;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
