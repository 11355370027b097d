/**
 * A deterministic tar writer: the same entries give the same bytes, on any
 * machine. Every header is ustar with a fixed mtime, numeric owner only (no
 * user or group names, which would leak the building host's), and a PAX
 * record only where ustar cannot hold a path. Entries are written in the
 * order given; callers sort them (see layer.ts).
 */
import { createReadStream } from "node:fs";

export type TarEntry =
  | { readonly type: "dir"; readonly path: string; readonly mode: number; readonly uid: number; readonly gid: number }
  | { readonly type: "symlink"; readonly path: string; readonly target: string; readonly uid: number; readonly gid: number }
  | ({
      readonly type: "file";
      readonly path: string;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
      readonly size: number;
    } & FileContent);

/** Bytes held in memory, or a file on disk read when the entry is written. */
export type FileContent = { readonly data: Buffer } | { readonly source: string };

/** Every entry's mtime: the epoch. Reproducible, and what SOURCE_DATE_EPOCH=0 builds write. */
export const FIXED_MTIME = 0;

const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

function octal(value: number, width: number): string {
  const text = value.toString(8);
  if (text.length > width - 1) throw new Error(`tar: ${value} does not fit a ${width}-byte octal field`);
  return text.padStart(width - 1, "0") + "\0";
}

function put(header: Buffer, text: string, offset: number, width: number): void {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > width) throw new Error(`tar: "${text}" is longer than ${width} bytes`);
  bytes.copy(header, offset);
}

interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
}

function header(h: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  put(b, h.name, 0, 100);
  put(b, octal(h.mode, 8), 100, 8);
  put(b, octal(h.uid, 8), 108, 8);
  put(b, octal(h.gid, 8), 116, 8);
  put(b, octal(h.size, 12), 124, 12);
  put(b, octal(FIXED_MTIME, 12), 136, 12);
  b.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  put(b, h.typeflag, 156, 1);
  put(b, h.linkname, 157, 100);
  put(b, "ustar\0", 257, 6);
  put(b, "00", 263, 2);
  let sum = 0;
  for (const byte of b) sum += byte;
  put(b, octal(sum, 7) + " ", 148, 8);
  return b;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/** A PAX record "<len> key=value\n", whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

const fits = (text: string, width: number) => Buffer.byteLength(text) <= width && /^[\x20-\x7e]*$/.test(text);

/** The header blocks of an entry: a PAX header first when a name or link target is too long for ustar. */
function headerBlocks(name: string, linkname: string, fields: Omit<RawHeader, "name" | "linkname">): Buffer[] {
  const records = [
    ...(fits(name, 100) ? [] : [paxRecord("path", name)]),
    ...(fits(linkname, 100) ? [] : [paxRecord("linkpath", linkname)]),
  ];
  const short = (text: string) =>
    Buffer.from(text)
      .subarray(0, 99)
      .toString("latin1")
      .replace(/[^\x20-\x7e]/g, "_");
  const main = header({
    ...fields,
    name: fits(name, 100) ? name : short(name),
    linkname: fits(linkname, 100) ? linkname : short(linkname),
  });
  if (records.length === 0) return [main];
  const pax = Buffer.from(records.join(""), "utf8");
  return [
    header({ name: short(`PaxHeaders/${name}`), mode: 0o644, uid: 0, gid: 0, size: pax.length, typeflag: "x", linkname: "" }),
    pax,
    padding(pax.length),
    main,
  ];
}

/** The tar stream of these entries, ending with the two zero blocks. */
export async function* tarStream(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    switch (entry.type) {
      case "dir":
        yield* headerBlocks(entry.path.endsWith("/") ? entry.path : `${entry.path}/`, "", {
          mode: entry.mode,
          uid: entry.uid,
          gid: entry.gid,
          size: 0,
          typeflag: "5",
        });
        break;
      case "symlink":
        yield* headerBlocks(entry.path, entry.target, { mode: 0o777, uid: entry.uid, gid: entry.gid, size: 0, typeflag: "2" });
        break;
      case "file": {
        yield* headerBlocks(entry.path, "", { mode: entry.mode, uid: entry.uid, gid: entry.gid, size: entry.size, typeflag: "0" });
        let written = 0;
        if ("data" in entry) {
          written = entry.data.length;
          yield entry.data;
        } else {
          for await (const chunk of createReadStream(entry.source)) {
            written += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        }
        // A file that changed size between listing and writing would corrupt every later entry.
        if (written !== entry.size)
          throw new Error(
            `tar: ${"source" in entry ? entry.source : entry.path} changed while the image was written (${entry.size} bytes listed, ${written} read)`,
          );
        yield padding(entry.size);
        break;
      }
    }
  }
  yield ZERO_BLOCK;
  yield ZERO_BLOCK;
}
