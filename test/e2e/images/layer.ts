/**
 * One image layer as a list of tar entries, put together from folders of
 * this machine (a rootfs, node_modules, an extracted .deb) and small files
 * written here. Owners are set, never taken from the host; modes keep only
 * the permission bits; entries come out sorted, with every parent folder,
 * so the same inputs always give the same layer bytes.
 */
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join, posix } from "node:path";
import type { TarEntry } from "./tar";

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}
const ROOT: Owner = { uid: 0, gid: 0 };

/** A path inside the image, without the leading slash, as layers hold it. */
function inImage(path: string): string {
  const normal = posix.normalize(`/${path}`).replace(/^\/+/, "").replace(/\/+$/, "");
  if (normal === "" || normal.startsWith("..")) throw new Error(`layer: "${path}" is not a path inside the image`);
  return normal;
}

export class Layer {
  private readonly entries = new Map<string, TarEntry>();

  /** Describes the layer in progress reports. */
  constructor(readonly description: string) {}

  dir(path: string, options: { mode?: number } & Partial<Owner> = {}): this {
    const p = inImage(path);
    this.add({ type: "dir", path: p, mode: options.mode ?? 0o755, uid: options.uid ?? 0, gid: options.gid ?? 0 });
    return this;
  }

  file(path: string, content: string | Buffer, options: { mode?: number } & Partial<Owner> = {}): this {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    this.add({
      type: "file",
      path: inImage(path),
      data,
      size: data.length,
      mode: options.mode ?? 0o644,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
    });
    return this;
  }

  /** A file of this machine, read when the layer is written; its permission bits are kept. */
  copy(path: string, source: string, options: { mode?: number } & Partial<Owner> = {}): this {
    const stat = lstatSync(source);
    if (!stat.isFile()) throw new Error(`layer: ${source} is not a regular file`);
    this.add({
      type: "file",
      path: inImage(path),
      source,
      size: stat.size,
      mode: options.mode ?? stat.mode & 0o777,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
    });
    return this;
  }

  symlink(path: string, target: string, owner: Owner = ROOT): this {
    this.add({ type: "symlink", path: inImage(path), target, ...owner });
    return this;
  }

  /**
   * A folder of this machine at `path` in the image, recursively: folders,
   * regular files and symlinks (kept as links). `skip` leaves out an entry
   * (and all below it) by its path relative to `source`.
   */
  tree(path: string, source: string, options: Partial<Owner> & { skip?: (relative: string) => boolean } = {}): this {
    const owner = { uid: options.uid ?? 0, gid: options.gid ?? 0 };
    const atRoot = posix.normalize(`/${path}`) === "/";
    const walk = (dir: string, relative: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const rel = relative === "" ? name : `${relative}/${name}`;
        if (options.skip?.(rel) === true) continue;
        const full = join(dir, name);
        const stat = lstatSync(full);
        const at = atRoot ? rel : `${path}/${rel}`;
        if (stat.isDirectory()) {
          this.dir(at, { mode: stat.mode & 0o777, ...owner });
          walk(full, rel);
        } else if (stat.isSymbolicLink()) this.symlink(at, readlinkSync(full), owner);
        else if (stat.isFile()) this.copy(at, full, owner);
        // Sockets, fifos and devices have no place in an image layer.
      }
    };
    if (!lstatSync(source).isDirectory()) throw new Error(`layer: ${source} is not a folder`);
    if (!atRoot) this.dir(path, { mode: lstatSync(source).mode & 0o777, ...owner });
    walk(source, "");
    return this;
  }

  private add(entry: TarEntry): void {
    const existing = this.entries.get(entry.path);
    // A folder may be named twice (a parent and a tree); anything else twice is a recipe mistake.
    if (existing !== undefined && !(existing.type === "dir" && entry.type === "dir"))
      throw new Error(`layer ${this.description}: /${entry.path} is added twice`);
    this.entries.set(entry.path, entry);
  }

  /** The entries in path order, each parent folder (root-owned, 0755, unless added) before its children. */
  sorted(): TarEntry[] {
    const all = new Map(this.entries);
    for (const path of this.entries.keys()) {
      for (let parent = posix.dirname(path); parent !== "."; parent = posix.dirname(parent)) {
        if (!all.has(parent)) all.set(parent, { type: "dir", path: parent, mode: 0o755, ...ROOT });
      }
    }
    // Byte order of the path segments: a folder always precedes what it holds.
    const key = (p: string) => p.split("/");
    return [...all.values()].sort((a, b) => compareSegments(key(a.path), key(b.path)));
  }
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x = "", y = ""] = [a[i], b[i]];
    if (x !== y) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return a.length - b.length;
}
