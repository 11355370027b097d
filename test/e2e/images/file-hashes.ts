/**
 * The sha256 of input files, remembered between runs by what stat says of
 * them (size, inode, mtime and ctime in nanoseconds; ctime cannot be set back
 * by hand), so a warm build hashes only files that changed instead of
 * reading every input again (the app image has 770 MB of them).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class FileHashes {
  private readonly known: Map<string, { stat: string; sha256: string }>;
  private changed = false;

  constructor(private readonly file: string) {
    let entries: [string, { stat: string; sha256: string }][] = [];
    try {
      if (existsSync(file))
        entries = Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, { stat: string; sha256: string }>);
    } catch {
      entries = []; // an unreadable memo is only a slower build
    }
    this.known = new Map(entries);
  }

  sha256(path: string): string {
    const s = statSync(path, { bigint: true });
    const stat = `${s.size}:${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
    const known = this.known.get(path);
    if (known !== undefined && known.stat === stat) return known.sha256;
    const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
    this.known.set(path, { stat, sha256 });
    this.changed = true;
    return sha256;
  }

  save(): void {
    if (!this.changed) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.known)));
    renameSync(temp, this.file);
    this.changed = false;
  }
}

export function fileHashesIn(dir: string): FileHashes {
  return new FileHashes(join(dir, "file-hashes.json"));
}
