/**
 * `backups verify`: the manifest check of one snapshot, without restoring.
 * The marker names the manifest's sha256; the manifest names every stored
 * object (a file stored alone, or a pack of small files) with its size and
 * sha256; the stored object set must be exactly that. `--deep` also downloads
 * every object and checks its sha256 (the engine's own `verify` goes on to
 * unpack the packs and check every file). An encrypted snapshot's names and bytes are opaque here:
 * its stored object count is checked, and the byte check is the engine's.
 */
import { createHash } from "node:crypto";
import type { Context } from "./context";
import { EXIT } from "./errors";
import { humanBytes, json, table } from "./output";
import { resolveSnapshot } from "./resolve";
import { listKeys, readMarker, readObject } from "./snapshots";

/**
 * v1: one object per file under data/; v2 adds packs (packs/<source>/<name>.tar, `p` and `l`
 * lines); v3 adds `o` records (entries carried by their exact bytes, whose files are `f` records
 * under <source>/.ocb-names/ like any other). All three keep their objects in the snapshot's own
 * folder. v4 keeps them in the instance's pool, shared by its snapshots: packs/<source>/<name>.tar
 * and objects/<stamp>/<sha256> (an `l` record "=<stamp>").
 */
const MANIFEST_HEADERS = [
  "#openclaw-backup-manifest v1",
  "#openclaw-backup-manifest v2",
  "#openclaw-backup-manifest v3",
  "#openclaw-backup-manifest v4",
];
const POOL_HEADER = "#openclaw-backup-manifest v4";
/**
 * v5: the snapshot folder holds an index of chunks ("m", stamp, sha256, size), each stored in the
 * pool as manifests/<stamp>/<sha256>; in order they make up a v4 manifest (records grouped by
 * path; their order does not matter here).
 */
const INDEX_HEADER = "#openclaw-backup-manifest v5";
const STAMP = /^\d{8}T\d{6}Z$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The chunks a v5 index names, keyed by their path under the pool, or why it cannot be read. */
function parseIndex(text: string): Map<string, StoredObject> | string {
  const chunks = new Map<string, StoredObject>();
  const lines = text.split("\n").filter((l) => l !== "");
  for (const line of lines.slice(1)) {
    const [type, stamp, sha256, size, extra] = line.split("\t");
    if (
      type !== "m" ||
      stamp === undefined ||
      !STAMP.test(stamp) ||
      sha256 === undefined ||
      !SHA256.test(sha256) ||
      size === undefined ||
      !/^\d+$/.test(size) ||
      extra !== undefined
    ) {
      return `malformed chunk index line ${JSON.stringify(line.slice(0, 80))}`;
    }
    chunks.set(`manifests/${stamp}/${sha256}`, { sha256, size: Number(size) });
  }
  return chunks.size > 0 ? chunks : "the chunk index names no chunk";
}

export interface VerifyReport {
  readonly snapshot: string;
  readonly ok: boolean;
  readonly files: number;
  readonly bytes: number;
  readonly encrypted: boolean;
  readonly deep: boolean;
  readonly checks: { check: string; ok: boolean; detail: string }[];
  readonly problems: string[];
}

/** One stored object the manifest accounts for: a file stored alone, or a pack. */
interface StoredObject {
  readonly sha256: string;
  readonly size: number;
}

/**
 * The objects a snapshot must hold, keyed by their path under the snapshot's content root
 * (`data/<source>/<path>` or `packs/<source>/<name>.tar`), or why the manifest cannot be read.
 */
function parseManifest(text: string): { pooled: boolean; objects: Map<string, StoredObject> } | string {
  const lines = text.split("\n").filter((l) => l !== "");
  if (!MANIFEST_HEADERS.includes(lines[0] ?? ""))
    return `unknown manifest format (first line: ${JSON.stringify((lines[0] ?? "").slice(0, 60))})`;
  const pooled = lines[0] === POOL_HEADER;
  const files = new Map<string, { sha256: string; size: number }>();
  const located = new Map<string, string>();
  const objects = new Map<string, StoredObject>();
  for (const line of lines.slice(1)) {
    const fields = line.split("\t");
    // The path is always last and may contain tabs.
    if (fields[0] === "f") files.set(fields.slice(4).join("\t"), { sha256: fields[1] ?? "", size: Number(fields[2]) });
    else if (fields[0] === "l") located.set(fields.slice(2).join("\t"), fields[1] ?? "");
    else if (fields[0] === "p") {
      // p, source, seq, name, sha256, size, member bytes
      const name = `${fields[1]}/${fields[3]}.tar`;
      objects.set(`packs/${name}`, { sha256: fields[4] ?? "", size: Number(fields[5]) });
    }
  }
  for (const [path, file] of files) {
    const where = located.get(path);
    if (!pooled) {
      if (where === undefined) objects.set(`data/${path}`, file);
    } else if (where === undefined) return `no location for ${path}`;
    else if (where.startsWith("=")) objects.set(`objects/${where.slice(1)}/${file.sha256}`, file);
  }
  return { pooled, objects };
}

/** How problems name a stored object: "pack <source>/<name>.tar", or the file's path. */
function labelOf(key: string): string {
  if (key.startsWith("packs/")) return `pack ${key.slice("packs/".length)}`;
  if (key.startsWith("objects/")) return `pool object ${key.slice("objects/".length)}`;
  if (key.startsWith("manifests/")) return `manifest chunk ${key.slice("manifests/".length)}`;
  return key.slice("data/".length);
}

/** "file: <path>" or "pack <source>/<name>.tar", after "missing" or "unexpected". */
function nounOf(key: string): string {
  return key.startsWith("data/") ? `file: ${labelOf(key)}` : labelOf(key);
}

export async function verifySnapshot(ctx: Context, text: string | undefined, deep: boolean): Promise<VerifyReport> {
  const snapshot = await resolveSnapshot(ctx, text);
  const { client } = await ctx.store();
  const checks: VerifyReport["checks"] = [];
  const problems: string[] = [];
  const marker = await readMarker(client, snapshot);
  if (marker === undefined) {
    return {
      snapshot: snapshot.path,
      ok: false,
      files: 0,
      bytes: 0,
      encrypted: false,
      deep,
      checks: [{ check: "marker", ok: false, detail: "snapshot.json is gone" }],
      problems: ["snapshot.json is gone"],
    };
  }
  const sameIdentity =
    marker.tenant === snapshot.tenant &&
    marker.instance === snapshot.instance &&
    marker.kind === snapshot.kind &&
    marker.time === snapshot.time;
  checks.push({
    check: "marker",
    ok: sameIdentity,
    detail: sameIdentity
      ? `${marker.files} files, ${humanBytes(marker.bytes)}`
      : `snapshot.json describes ${marker.tenant}/${marker.instance}/${marker.kind}/${marker.time}: moved or tampered with`,
  });
  const stored = await listKeys(client, snapshot.bucket, `${snapshot.path}/`);

  const pooled = marker.layout === "pool";
  const instancePath = snapshot.path.split("/").slice(0, -2).join("/");
  if (marker.encrypted) {
    const objects = stored.filter((o) => o.key.startsWith(`${snapshot.path}/encrypted/`));
    // Every stored object (files stored alone, packs) plus the manifest; markers older than
    // packs have no `objects` and stored one object per file. A pooled snapshot's folder holds
    // only its manifest: its objects are in the instance's encrypted pool.
    const expected = pooled ? 1 : (marker.objects ?? marker.files) + 1;
    checks.push({
      check: "object count",
      ok: objects.length === expected,
      detail: `${objects.length} encrypted objects, ${expected} expected (${pooled ? "the manifest; the data is in the pool" : "stored objects + manifest"})`,
    });
    checks.push({
      check: "checksums",
      ok: true,
      detail: "encrypted: names and bytes need the passphrase; the engine's verify checks them (docs/runbooks/restore.md)",
    });
  } else {
    const manifestBody = await readObject(client, snapshot.bucket, `${snapshot.path}/manifest.tsv`);
    const manifestSha = manifestBody === undefined ? undefined : createHash("sha256").update(manifestBody).digest("hex");
    const manifestOk = manifestSha !== undefined && manifestSha === marker.manifestSha256;
    checks.push({
      check: "manifest",
      ok: manifestOk,
      detail:
        manifestBody === undefined
          ? "manifest.tsv is missing"
          : manifestOk
            ? "sha256 matches snapshot.json"
            : "sha256 differs from snapshot.json: damaged or tampered with",
    });
    // A v5 index (authenticated by the marker) is read through its chunks, each checked against
    // the sha256 and size it names; the chunks then count among the pool objects the snapshot needs.
    let chunks = new Map<string, StoredObject>();
    let manifestText: string | undefined = manifestBody?.toString("utf8");
    if (manifestOk && manifestText !== undefined && manifestText.startsWith(`${INDEX_HEADER}\n`)) {
      const index = parseIndex(manifestText);
      if (typeof index === "string") {
        manifestText = undefined;
        checks.push({ check: "manifest chunks", ok: false, detail: index });
      } else {
        chunks = index;
        const parts: Buffer[] = [];
        const bad: string[] = [];
        for (const [key, chunk] of index) {
          const body = await readObject(client, snapshot.bucket, `${instancePath}/pool/${key}`);
          if (body === undefined) bad.push(`missing manifest chunk ${key}`);
          else if (body.length !== chunk.size || createHash("sha256").update(body).digest("hex") !== chunk.sha256)
            bad.push(`manifest chunk ${key} differs from its index`);
          else parts.push(body);
        }
        problems.push(...bad);
        checks.push({
          check: "manifest chunks",
          ok: bad.length === 0,
          detail: `${index.size} chunks in the pool${bad.length > 0 ? `, ${bad.length} missing or damaged` : ", sha256 match the index"}`,
        });
        manifestText = bad.length === 0 ? Buffer.concat(parts).toString("utf8") : undefined;
      }
    }
    const manifest =
      manifestText === undefined ? (chunks.size > 0 ? "manifest chunks missing or damaged" : "no manifest") : parseManifest(manifestText);
    if (typeof manifest === "string") {
      checks.push({ check: "file set", ok: false, detail: manifest });
    } else if (manifestOk) {
      // The chunks of a v5 manifest are pool objects the snapshot needs like its data.
      for (const [key, chunk] of chunks) manifest.objects.set(key, chunk);
      // Old layouts: the snapshot folder holds exactly its objects. The pool is shared, so only
      // missing objects and sizes count there, never other snapshots' objects.
      const root = manifest.pooled ? `${instancePath}/pool/` : `${snapshot.path}/`;
      const inRoot = manifest.pooled
        ? (await listKeys(client, snapshot.bucket, root)).filter((o) => !o.key.startsWith(`${root}encrypted/`))
        : stored.filter((o) => o.key.startsWith(`${root}data/`) || o.key.startsWith(`${root}packs/`));
      const got = new Map(inRoot.map((o) => [o.key.slice(root.length), o.size]));
      for (const [key, object] of manifest.objects) {
        const size = got.get(key);
        if (size === undefined) problems.push(`missing ${nounOf(key)}`);
        else if (size !== object.size) problems.push(`size differs: ${labelOf(key)} (manifest ${object.size}, stored ${size})`);
      }
      if (!manifest.pooled) for (const key of got.keys()) if (!manifest.objects.has(key)) problems.push(`unexpected ${nounOf(key)}`);
      checks.push({
        check: "file set",
        ok: problems.length === 0,
        detail: `${manifest.pooled ? `${manifest.objects.size} pool objects referenced` : `${got.size} objects stored, ${manifest.objects.size} in the manifest`}${problems.length > 0 ? `, ${problems.length} problem(s)` : ", sizes match"}`,
      });
      if (deep && problems.length === 0) {
        let n = 0;
        for (const [key, object] of manifest.objects) {
          if (++n % 50 === 0) ctx.out.err(`checked ${n} of ${manifest.objects.size} objects…`);
          const body = await readObject(client, snapshot.bucket, `${root}${key}`);
          const sha = body === undefined ? "" : createHash("sha256").update(body).digest("hex");
          if (sha !== object.sha256) problems.push(`sha256 differs: ${labelOf(key)}`);
        }
        checks.push({
          check: "checksums",
          ok: problems.length === 0,
          detail: `${manifest.objects.size} objects downloaded and hashed${problems.length > 0 ? `, ${problems.length} differ` : ", all match"}`,
        });
      }
    }
  }
  const ok = checks.every((c) => c.ok) && problems.length === 0;
  return { snapshot: snapshot.path, ok, files: marker.files, bytes: marker.bytes, encrypted: marker.encrypted, deep, checks, problems };
}

export async function verifyCommand(ctx: Context, text: string | undefined, deep: boolean): Promise<number> {
  ctx.out.err(`verifying ${text ?? ""}${deep ? " (downloading every file)" : ""}…`);
  const report = await verifySnapshot(ctx, text, deep);
  if (ctx.json) ctx.out.out(json(report));
  else {
    ctx.out.out(
      table(
        ["CHECK", "RESULT", "DETAIL"],
        report.checks.map((c) => [c.check, c.ok ? "ok" : "FAILED", c.detail]),
      ),
    );
    for (const p of report.problems.slice(0, 20)) ctx.out.out(`  ${p}`);
    ctx.out.out(report.ok ? `snapshot ${report.snapshot} verified` : `snapshot ${report.snapshot} FAILED verification`);
  }
  return report.ok ? EXIT.ok : EXIT.verification;
}
