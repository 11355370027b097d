// A tree of every kind of name and entry an agent can create, and a byte-exact reader for it.
// Names are Buffers throughout: a string would already have lost invalid UTF-8.
import { createHash } from "node:crypto";
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { run } from "./engine-runner";

export interface ExactEntry {
  type: "file" | "dir" | "symlink" | "fifo" | "socket" | "other";
  /** Permission bits with setuid/setgid/sticky (lstat mode & 0o7777); symlinks: none. */
  mode: number;
  sha256?: string;
  size?: number;
  /** Symlink target, hex of its bytes. */
  target?: string;
  /** Hard links: the inode, to compare link groups. */
  ino?: number;
  nlink?: number;
}

/** hex of the relative path bytes -> entry. */
export type ExactTree = Map<string, ExactEntry>;

const b = (...parts: (string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.isBuffer(p) ? p : Buffer.from(p))));

function join(...parts: Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(Buffer.from("/"));
    out.push(p);
  });
  return Buffer.concat(out);
}

/** The path for humans: bytes outside printable ASCII (and the backslash) as \xHH, as the engine's warnings show them. */
export function shown(path: Buffer): string {
  let out = "";
  for (const byte of path)
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  return out;
}

export interface TortureTree {
  /** Relative paths (bytes) of sockets: never restorable, must be named in a warning. */
  sockets: Buffer[];
  /** Stops the listening sockets (call after the backup). */
  close(): Promise<void>;
}

/**
 * Builds under root: a file for every control character 0x01-0x1f and 0x7f (newline, CR and ESC
 * included) small and large, invalid UTF-8, the characters rclone reserves for its own encodings
 * (U+2409, U+201B, U+FF0F, U+FF0E, U+FFFD), shell metacharacters, a 255-byte name, a path of more
 * than 1,100 bytes, a folder with a control character holding more entries, symlinks (relative,
 * absolute, dangling, to a folder, with odd names and targets), hard links, FIFOs, a socket and odd
 * modes (000, 444, 4755, 2755, 1777 and 500 folders).
 */
export async function makeTortureTree(root: string, options: { bigBytes?: number } = {}): Promise<TortureTree> {
  const big = options.bigBytes ?? 1024 * 1024 + 17;
  const rootB = Buffer.from(root);
  let n = 0;
  const put = (rel: Buffer, bytes?: Buffer, mode = 0o644): void => {
    n++;
    const content = bytes ?? b(`content ${n} of `, rel, "\n");
    writeFileSync(join(rootB, rel), content);
    chmodSync(join(rootB, rel), mode);
  };
  const dir = (rel: Buffer, mode = 0o755): void => {
    mkdirSync(join(rootB, rel), { recursive: true });
    chmodSync(join(rootB, rel), mode);
  };
  const bigContent = (seed: string): Buffer => {
    const out = Buffer.alloc(big);
    let h = createHash("sha256").update(seed).digest();
    for (let i = 0; i < big; i += 32) {
      h.copy(out, i);
      h = createHash("sha256").update(h).digest();
    }
    return out;
  };

  dir(b("ctl"));
  for (const c of [...Array.from({ length: 31 }, (_, i) => i + 1), 0x7f]) {
    put(b("ctl/c", [c], "x"));
  }
  put(b("ctl/", [0x0a]));
  put(b("ctl/trailing newline", [0x0a]));
  put(b("ctl/", [0x0a], "leading newline"));
  put(b("ctl/two", [0x0a, 0x0a], "lines"));
  // A crafted name: the stat listing must not take the second line for another file's record.
  put(b("x", [0x0a], "644 10 1 1 1 ..plain.txt"));
  // Large ones go to the store alone, not in packs: CR, 0x01 and ESC made the old engine hang.
  put(b("big", [0x0d], "cr.bin"), bigContent("cr"));
  put(b("big", [0x01], "soh.bin"), bigContent("soh"));
  put(b("big", [0x1b], "[31mesc.bin"), bigContent("esc"));
  put(b("big", [0x0a], "newline.bin"), bigContent("nl"));

  dir(b("utf8"));
  put(b("utf8/invalid-", [0xff], "-byte"));
  put(b("utf8/invalid-", [0xc3, 0x28], "-pair"));
  put(b("utf8/overlong-", [0xc0, 0xaf]));
  put(b("utf8/surrogate-", [0xed, 0xa0, 0x80]));
  put(b("utf8/truncated-", [0xe2, 0x82]));
  put(b("utf8/real \u2409 control picture"));
  put(b("utf8/real \u201b quote"));
  put(b("utf8/\u201b\u2409 both"));
  put(b("utf8/full\uff0fwidth solidus"));
  put(b("utf8/\uff0e"));
  put(b("utf8/replacement \ufffd char"));
  put(b("utf8/na\u00efve \u2603 notes.jsonl"));
  put(b("utf8/emoji \u{1f600}.txt"));
  put(b("utf8/big-invalid-", [0xfe], ".bin"), bigContent("inv"));

  dir(b("shell"));
  for (const name of [
    "-rf",
    "*",
    "?",
    "[a]",
    "a\\b",
    "it's",
    'say "hi"',
    "$HOME",
    "a;b",
    "a|b",
    "a&b",
    "`x`",
    "sp ace",
    " lead",
    "trail ",
    "#hash",
    "~tilde",
    "%41",
    "a=b",
    "x.rclonelink",
  ]) {
    put(b("shell/", name));
  }

  // Long: a 255-byte name, and a path of more than 1,100 bytes holding a small and a large file.
  dir(b("long"));
  put(b("long/", "n".repeat(255)));
  let deep = b("long");
  for (let i = 0; i < 9; i++) deep = join(deep, b(`${i}`, "d".repeat(120)));
  dir(deep);
  put(join(deep, b("small.txt")));
  put(join(deep, b("large.bin")), bigContent("deep"));

  // A folder whose name holds control characters, with a subfolder, a file and an empty folder.
  const oddDir = b("odd", [0x09], "dir", [0x0a], "x");
  dir(oddDir, 0o750);
  dir(join(oddDir, b("sub")), 0o700);
  put(join(oddDir, b("sub/inner.txt")), undefined, 0o640);
  dir(join(oddDir, b("empty")));
  put(join(oddDir, b("big.bin")), bigContent("odddir"));

  // Symlinks of every sort.
  dir(b("links"));
  put(b("links/target.txt"));
  symlinkSync("target.txt", join(rootB, b("links/relative")));
  symlinkSync("/etc/hostname", join(rootB, b("links/absolute")));
  symlinkSync("does/not/exist", join(rootB, b("links/dangling")));
  symlinkSync("../ctl", join(rootB, b("links/to-folder")));
  symlinkSync(b("odd", [0x0a], "target"), join(rootB, b("links/odd", [0x1b], "link")));
  symlinkSync(b("target with trailing newline", [0x0a]), join(rootB, b("links/newline-target")));
  // Hard links: one file, two names.
  put(b("links/hard-a.txt"));
  linkSync(join(rootB, b("links/hard-a.txt")), join(rootB, b("links/hard-b.txt")));

  // Special files.
  dir(b("special"));
  const fifo = await run("mkfifo", ["-m", "640", `${root}/special/pipe`], { PATH: process.env.PATH ?? "" });
  if (fifo.code !== 0) throw new Error(`mkfifo failed: ${fifo.stderr}`);
  const fifoOdd = await run("sh", ["-c", `mkfifo -m 600 "$1/special/$(printf 'pipe\\001odd')"`, "sh", root], {
    PATH: process.env.PATH ?? "",
  });
  if (fifoOdd.code !== 0) throw new Error(`mkfifo failed: ${fifoOdd.stderr}`);
  const sockets = [b("special/agent.socket"), b("special/odd", [0x07], ".socket")];
  const servers: Server[] = [];
  for (const rel of sockets) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(join(rootB, rel).toString(), resolve);
    });
    servers.push(server);
  }

  // Modes.
  dir(b("modes"));
  put(b("modes/none"), undefined, 0o000);
  put(b("modes/read-only"), undefined, 0o444);
  put(b("modes/setuid"), undefined, 0o4755);
  put(b("modes/setgid"), undefined, 0o2755);
  put(b("modes/exec"), undefined, 0o700);
  dir(b("modes/sticky"), 0o1777);
  put(b("modes/sticky/inside"));
  dir(b("modes/locked"));
  put(b("modes/locked/inside"));
  chmodSync(join(rootB, b("modes/locked")), 0o500);
  dir(b("modes/empty-700"), 0o700);

  put(b("plain.txt"));
  return {
    sockets,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Every entry under root, by the hex of its relative path bytes; `skip` gets the path bytes. */
export function readExactTree(root: string, skip: (rel: Buffer) => boolean = () => false): ExactTree {
  const tree: ExactTree = new Map();
  const rootB = Buffer.from(root);
  const walk = (rel: Buffer | undefined): void => {
    const here = rel === undefined ? rootB : join(rootB, rel);
    for (const name of readdirSync(here, { encoding: "buffer" })) {
      const path = rel === undefined ? name : join(rel, name);
      if (skip(path)) continue;
      const full = join(rootB, path);
      const st = lstatSync(full);
      const key = path.toString("hex");
      if (st.isSymbolicLink())
        tree.set(key, { type: "symlink", mode: 0, target: readlinkSync(full, { encoding: "buffer" }).toString("hex") });
      else if (st.isDirectory()) {
        tree.set(key, { type: "dir", mode: st.mode & 0o7777 });
        walk(path);
      } else if (st.isFile()) {
        const bytes = readFileSync(full);
        tree.set(key, {
          type: "file",
          mode: st.mode & 0o7777,
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          ino: st.ino,
          nlink: st.nlink,
        });
      } else if (st.isFIFO()) tree.set(key, { type: "fifo", mode: st.mode & 0o7777 });
      else if (st.isSocket()) tree.set(key, { type: "socket", mode: st.mode & 0o7777 });
      else tree.set(key, { type: "other", mode: st.mode & 0o7777 });
    }
  };
  walk(undefined);
  return tree;
}

/** Differences as readable lines (paths shown with \xHH escapes); ino/nlink are compared as link groups. */
export function diffExactTrees(expected: ExactTree, actual: ExactTree): string[] {
  const problems: string[] = [];
  const label = (key: string): string => shown(Buffer.from(key, "hex"));
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got) problems.push(`missing ${want.type} ${label(key)}`);
    else if (got.type !== want.type) problems.push(`type ${label(key)}: ${got.type} != ${want.type}`);
    else if (got.sha256 !== want.sha256 || got.size !== want.size) problems.push(`content ${label(key)}`);
    else if (got.mode !== want.mode) problems.push(`mode ${label(key)}: ${got.mode.toString(8)} != ${want.mode.toString(8)}`);
    else if (got.target !== want.target) problems.push(`symlink target ${label(key)}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`unexpected ${label(key)}`);
  // Hard links: paths that shared an inode must share one again.
  const groups = (tree: ExactTree): Map<string, string> => {
    const byIno = new Map<number, string[]>();
    for (const [key, e] of tree)
      if (e.type === "file" && (e.nlink ?? 1) > 1 && e.ino !== undefined) byIno.set(e.ino, [...(byIno.get(e.ino) ?? []), key]);
    const out = new Map<string, string>();
    for (const keys of byIno.values()) for (const key of keys) out.set(key, [...keys].sort().join(","));
    return out;
  };
  const wantGroups = groups(expected);
  const gotGroups = groups(actual);
  for (const [key, group] of wantGroups) if (gotGroups.get(key) !== group) problems.push(`hard link ${label(key)}: not linked as before`);
  return problems;
}
