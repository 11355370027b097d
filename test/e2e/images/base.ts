/**
 * What every image here starts from: a static busybox (Debian's
 * `busybox-static`) for `sh` and the POSIX tools, with a link per applet;
 * /etc (passwd, group, nsswitch.conf, the CA bundle of this machine); /tmp.
 * And, for dynamically linked programs, the shared libraries `ldd` names,
 * from this machine (Debian bookworm's glibc), at the paths it names.
 */
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { unpackedDebian } from "./debian";
import { Layer } from "./layer";

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell?: string;
}

const ROOT_ACCOUNT: Account = { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh" };
/** The CA bundle of this machine (Debian's ca-certificates), so TLS to a real endpoint verifies. */
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** The static busybox at /bin/busybox, and a symlink for each applet in the folders it names. */
export function busyboxLayer(log: (message: string) => void): Layer {
  const root = unpackedDebian("busybox-static", log);
  const busybox = join(root, "bin", "busybox");
  const layer = new Layer("busybox-static").copy("/bin/busybox", busybox, { mode: 0o755 });
  const applets = execFileSync(busybox, ["--list-full"], { encoding: "utf8" })
    .split("\n")
    .filter((p) => /^(bin|sbin|usr\/bin|usr\/sbin)\/[^/]+$/.test(p));
  for (const applet of applets) if (applet !== "bin/busybox") layer.symlink(`/${applet}`, "/bin/busybox");
  return layer;
}

/** /etc files and /tmp, for root and the accounts given (each with its own group). */
export function systemLayer(accounts: readonly Account[]): Layer {
  const all = [ROOT_ACCOUNT, ...accounts];
  const layer = new Layer(`system files (${all.map((a) => `${a.name} ${a.uid}:${a.gid}`).join(", ")})`)
    .file("/etc/passwd", all.map((a) => `${a.name}:x:${a.uid}:${a.gid}:${a.name}:${a.home}:${a.shell ?? "/bin/sh"}\n`).join(""))
    .file("/etc/group", all.map((a) => `${a.name}:x:${a.gid}:\n`).join(""))
    .file("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n")
    .file("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n")
    .copy(CA_BUNDLE, CA_BUNDLE, { mode: 0o644 })
    .dir("/tmp", { mode: 0o1777 });
  for (const account of accounts) layer.dir(account.home, { mode: 0o755, uid: account.uid, gid: account.gid });
  return layer;
}

/** The shared libraries (and the loader) these ELF files need, as `ldd` on this machine resolves them. */
export function sharedLibraries(binaries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const binary of binaries) {
    let listing: string;
    try {
      listing = execFileSync("ldd", [binary], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch {
      continue; // "not a dynamic executable": nothing to add
    }
    for (const line of listing.split("\n")) {
      const match = /=>\s+(\/\S+)|^\s*(\/\S+)\s+\(/.exec(line);
      const path = match?.[1] ?? match?.[2];
      // The path the loader looks up goes into the image, with the bytes of the file it resolves to.
      if (path !== undefined) out.set(path, realpathSync(path));
    }
  }
  return out;
}

/** A layer with the libraries of sharedLibraries(). */
export function librariesLayer(description: string, binaries: readonly string[]): Layer {
  const layer = new Layer(description);
  for (const [path, source] of [...sharedLibraries(binaries)].sort(([a], [b]) => a.localeCompare(b)))
    layer.copy(path, source, { mode: 0o755 });
  return layer;
}
