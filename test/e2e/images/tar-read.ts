/**
 * Reads a tar into memory, headers included, so tests can check what an
 * image holds: names (PAX paths applied), types, modes, owners, mtimes and
 * contents. Only for the small archives of tests.
 */
export interface ReadEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly uname: string;
  readonly linkname: string;
  readonly data: Buffer;
}

const text = (b: Buffer, start: number, width: number) =>
  b
    .subarray(start, start + width)
    .toString("utf8")
    .replace(/\0.*$/s, "");
const num = (b: Buffer, start: number, width: number) => parseInt(text(b, start, width).trim() || "0", 8);

export function readTar(tar: Buffer): ReadEntry[] {
  const out: ReadEntry[] = [];
  let pax: Record<string, string> = {};
  for (let at = 0; at + 512 <= tar.length;) {
    const h = tar.subarray(at, at + 512);
    if (h.every((byte) => byte === 0)) break;
    let sum = 0;
    for (const [i, byte] of h.entries()) sum += i >= 148 && i < 156 ? 0x20 : byte;
    if (sum !== num(h, 148, 8)) throw new Error(`tar: bad header checksum at offset ${at}`);
    const size = num(h, 124, 12);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    const type = text(h, 156, 1);
    if (type === "x") {
      for (const record of data.toString("utf8").split("\n").filter(Boolean)) {
        const [key = "", ...value] = record.slice(record.indexOf(" ") + 1).split("=");
        pax[key] = value.join("=");
      }
      continue;
    }
    out.push({
      path: pax.path ?? text(h, 0, 100),
      type,
      mode: num(h, 100, 8),
      uid: num(h, 108, 8),
      gid: num(h, 116, 8),
      mtime: num(h, 136, 12),
      uname: text(h, 265, 32),
      linkname: pax.linkpath ?? text(h, 157, 100),
      data: Buffer.from(data),
    });
    pax = {};
  }
  return out;
}
