/**
 * `backups verify`: the manifest check of one snapshot, without restoring.
 * The marker names the manifest's sha256; the manifest names every file with
 * its size and sha256; the stored file set must be exactly that. `--deep`
 * also downloads every file and checks its sha256 (what the engine's own
 * `verify` does). An encrypted snapshot's names and bytes are opaque here:
 * its stored object count is checked, and the byte check is the engine's.
 */
import { createHash } from "node:crypto";
import type { Context } from "./context";
import { EXIT } from "./errors";
import { humanBytes, json, table } from "./output";
import { resolveSnapshot } from "./resolve";
import { listKeys, readMarker, readObject } from "./snapshots";

const MANIFEST_HEADER = "#openclaw-backup-manifest v1";

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

interface ManifestFile {
  sha256: string;
  size: number;
}

function parseManifest(text: string): Map<string, ManifestFile> | string {
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== MANIFEST_HEADER) return `unknown manifest format (first line: ${JSON.stringify((lines[0] ?? "").slice(0, 60))})`;
  const files = new Map<string, ManifestFile>();
  for (const line of lines.slice(1)) {
    const fields = line.split("\t");
    if (fields[0] !== "f") continue;
    // f, sha256, size, mode, path (the path is last and may contain tabs)
    files.set(fields.slice(4).join("\t"), { sha256: fields[1], size: Number(fields[2]) });
  }
  return files;
}

export async function verifySnapshot(ctx: Context, text: string | undefined, deep: boolean): Promise<VerifyReport> {
  const snapshot = await resolveSnapshot(ctx, text);
  const { client } = await ctx.store();
  const checks: VerifyReport["checks"] = [];
  const problems: string[] = [];
  const marker = await readMarker(client, snapshot);
  if (marker === undefined) {
    return { snapshot: snapshot.path, ok: false, files: 0, bytes: 0, encrypted: false, deep, checks: [{ check: "marker", ok: false, detail: "snapshot.json is gone" }], problems: ["snapshot.json is gone"] };
  }
  const sameIdentity = marker.tenant === snapshot.tenant && marker.instance === snapshot.instance && marker.kind === snapshot.kind && marker.time === snapshot.time;
  checks.push({ check: "marker", ok: sameIdentity, detail: sameIdentity ? `${marker.files} files, ${humanBytes(marker.bytes)}` : `snapshot.json describes ${marker.tenant}/${marker.instance}/${marker.kind}/${marker.time}: moved or tampered with` });
  const stored = await listKeys(client, snapshot.bucket, `${snapshot.path}/`);

  if (marker.encrypted) {
    const objects = stored.filter((o) => o.key.startsWith(`${snapshot.path}/encrypted/`));
    const expected = marker.files + 1; // every file plus the manifest
    checks.push({ check: "object count", ok: objects.length === expected, detail: `${objects.length} encrypted objects, ${expected} expected (files + manifest)` });
    checks.push({ check: "checksums", ok: true, detail: "encrypted: names and bytes need the passphrase; the engine's verify checks them (docs/runbooks/restore.md)" });
  } else {
    const manifestBody = await readObject(client, snapshot.bucket, `${snapshot.path}/manifest.tsv`);
    const manifestSha = manifestBody === undefined ? undefined : createHash("sha256").update(manifestBody).digest("hex");
    const manifestOk = manifestSha !== undefined && manifestSha === marker.manifestSha256;
    checks.push({ check: "manifest", ok: manifestOk, detail: manifestBody === undefined ? "manifest.tsv is missing" : manifestOk ? "sha256 matches snapshot.json" : "sha256 differs from snapshot.json: damaged or tampered with" });
    const manifest = manifestBody === undefined ? "no manifest" : parseManifest(manifestBody.toString("utf8"));
    if (typeof manifest === "string") {
      checks.push({ check: "file set", ok: false, detail: manifest });
    } else if (manifestOk) {
      const dataPrefix = `${snapshot.path}/data/`;
      const got = new Map(stored.filter((o) => o.key.startsWith(dataPrefix)).map((o) => [o.key.slice(dataPrefix.length), o.size]));
      for (const [path, file] of manifest) {
        const size = got.get(path);
        if (size === undefined) problems.push(`missing file: ${path}`);
        else if (size !== file.size) problems.push(`size differs: ${path} (manifest ${file.size}, stored ${size})`);
      }
      for (const path of got.keys()) if (!manifest.has(path)) problems.push(`unexpected file: ${path}`);
      checks.push({ check: "file set", ok: problems.length === 0, detail: `${got.size} stored, ${manifest.size} in the manifest${problems.length > 0 ? `, ${problems.length} problem(s)` : ", sizes match"}` });
      if (deep && problems.length === 0) {
        let n = 0;
        for (const [path, file] of manifest) {
          if (++n % 50 === 0) ctx.out.err(`checked ${n} of ${manifest.size} files…`);
          const body = await readObject(client, snapshot.bucket, `${dataPrefix}${path}`);
          const sha = body === undefined ? "" : createHash("sha256").update(body).digest("hex");
          if (sha !== file.sha256) problems.push(`sha256 differs: ${path}`);
        }
        checks.push({ check: "checksums", ok: problems.length === 0, detail: `${manifest.size} files downloaded and hashed${problems.length > 0 ? `, ${problems.length} differ` : ", all match"}` });
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
    ctx.out.out(table(["CHECK", "RESULT", "DETAIL"], report.checks.map((c) => [c.check, c.ok ? "ok" : "FAILED", c.detail])));
    for (const p of report.problems.slice(0, 20)) ctx.out.out(`  ${p}`);
    ctx.out.out(report.ok ? `snapshot ${report.snapshot} verified` : `snapshot ${report.snapshot} FAILED verification`);
  }
  return report.ok ? EXIT.ok : EXIT.verification;
}
