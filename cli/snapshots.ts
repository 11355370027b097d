/**
 * Snapshots in the store, read through the S3 API with the engine's layout
 * (docs/backups.md): `<prefix><tenant>/<instance>/<kind>/<time>/`, complete
 * only when its `snapshot.json` marker exists. Incomplete snapshots are
 * counted (they mean a run failed or is running) but never listed as
 * restorable.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import { SNAPSHOT_KINDS, type SnapshotKind } from "../components/builders/backup/engine";
import { CliError, EXIT } from "./errors";
import { stampToMs } from "./output";

/** The engine's completion marker (snapshot.json), the fields the CLI uses. */
export interface SnapshotMarker {
  readonly format: string;
  readonly tenant: string;
  readonly instance: string;
  readonly kind: SnapshotKind;
  readonly time: string;
  readonly files: number;
  readonly bytes: number;
  readonly encrypted: boolean;
  readonly manifestSha256: string;
  /** Stored objects (files stored alone and packs); absent in markers written before packs. */
  readonly objects?: number;
  /** "pool": the data is in the instance's pool, shared by its snapshots (manifest v4); absent before. */
  readonly layout?: string;
}

export interface Snapshot {
  readonly tenant: string;
  readonly instance: string;
  readonly kind: SnapshotKind;
  /** `20261122T035012Z`. */
  readonly time: string;
  /** Bucket-relative path, usable as `restoreFrom`: `<prefix><tenant>/<instance>/<kind>/<time>`. */
  readonly path: string;
  readonly bucket: string;
}

export interface CompleteSnapshot extends Snapshot {
  readonly files: number;
  readonly bytes: number;
  readonly encrypted: boolean;
}

export interface InstanceIndex {
  readonly complete: Snapshot[];
  readonly incomplete: Snapshot[];
}

const STAMP = /^\d{8}T\d{6}Z$/;

function isKind(value: string): value is SnapshotKind {
  return (SNAPSHOT_KINDS as readonly string[]).includes(value);
}

/** Every object key under a prefix. */
export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
  const keys: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      .catch((error: Error) => {
        throw listError(bucket, prefix, error);
      });
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** Listings running at once. */
const LIST_CONCURRENCY = 8;

function listError(bucket: string, prefix: string, error: Error): CliError {
  return new CliError(
    `cannot list s3://${bucket}/${prefix}: ${error.name}: ${error.message} (is the store reachable and are the credentials valid?)`,
    EXIT.store,
  );
}

/** The names of the folders directly under `folder` (S3's CommonPrefixes of a `/`-delimited listing). */
async function subfolders(client: S3Client, bucket: string, folder: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, Delimiter: "/", ContinuationToken: token }))
      .catch((error: Error) => {
        throw listError(bucket, folder, error);
      });
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) names.push(p.Prefix.slice(folder.length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return names;
}

/** `work` over every item, `LIST_CONCURRENCY` at a time; the first failure is thrown once all settle. */
async function eachLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  // One queue the workers share: each takes the next item.
  const queue = items.entries();
  const worker = async () => {
    for (let step = queue.next(); step.done !== true; step = queue.next()) {
      const [at, item] = step.value;
      results[at] = await work(item);
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(LIST_CONCURRENCY, items.length) }, worker));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return results;
}

/** Instance folders (`tenant/instance`) in scope, found by delimited listings: one per tenant, not per object. */
async function instancesInScope(
  client: S3Client,
  bucket: string,
  prefix: string,
  scope: { tenant?: string; instance?: string },
): Promise<{ tenant: string; instance: string }[]> {
  if (scope.tenant !== undefined && scope.instance !== undefined) return [{ tenant: scope.tenant, instance: scope.instance }];
  const tenants = scope.tenant !== undefined ? [scope.tenant] : await subfolders(client, bucket, prefix);
  const perTenant = await eachLimited(tenants, async (tenant) =>
    (await subfolders(client, bucket, `${prefix}${tenant}/`)).map((instance) => ({ tenant, instance })),
  );
  return perTenant.flat();
}

/**
 * Snapshots under `<prefix>[<tenant>/[<instance>/]]`, grouped by instance (`tenant/instance`).
 * Costs per snapshot, not per object: only the kind folders (`<tenant>/<instance>/<kind>/`) are
 * listed in full, never an instance's pool or locks; tenants and instances come from delimited listings.
 */
export async function indexSnapshots(
  client: S3Client,
  bucket: string,
  prefix: string,
  scope: { tenant?: string; instance?: string } = {},
): Promise<Map<string, InstanceIndex>> {
  const instances = await instancesInScope(client, bucket, prefix, scope);
  const folders = instances.flatMap(({ tenant, instance }) => SNAPSHOT_KINDS.map((kind) => `${prefix}${tenant}/${instance}/${kind}/`));
  const listings = await eachLimited(folders, (folder) => listKeys(client, bucket, folder));
  const seen = new Map<string, { snapshot: Snapshot; complete: boolean }>();
  for (const { key } of listings.flat()) {
    const parts = key.slice(prefix.length).split("/");
    if (parts.length < 5) continue;
    const [tenant, instance, kind, time, ...rest] = parts;
    if (tenant === undefined || instance === undefined || kind === undefined || time === undefined || !isKind(kind) || !STAMP.test(time))
      continue;
    const path = `${prefix}${tenant}/${instance}/${kind}/${time}`;
    const entry = seen.get(path) ?? { snapshot: { tenant, instance, kind, time, path, bucket }, complete: false };
    if (rest.length === 1 && rest[0] === "snapshot.json") entry.complete = true;
    seen.set(path, entry);
  }
  // Instances by name, each one's snapshots by time then path: an order no store's listing order changes.
  const order = (a: Snapshot, b: Snapshot) =>
    compare(`${a.tenant}/${a.instance}`, `${b.tenant}/${b.instance}`) || compare(a.time, b.time) || compare(a.path, b.path);
  const out = new Map<string, InstanceIndex>();
  for (const { snapshot, complete } of [...seen.values()].sort((a, b) => order(a.snapshot, b.snapshot))) {
    const id = `${snapshot.tenant}/${snapshot.instance}`;
    const index = out.get(id) ?? { complete: [], incomplete: [] };
    (complete ? index.complete : index.incomplete).push(snapshot);
    out.set(id, index);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
    throw new CliError(`cannot read s3://${bucket}/${key}: ${(error as Error).message}`, EXIT.store);
  }
}

export async function readMarker(client: S3Client, snapshot: Snapshot): Promise<SnapshotMarker | undefined> {
  const body = await readObject(client, snapshot.bucket, `${snapshot.path}/snapshot.json`);
  if (body === undefined) return undefined;
  const marker = JSON.parse(body.toString("utf8")) as SnapshotMarker;
  if (marker.format !== "openclaw-backup/v1")
    throw new CliError(`${snapshot.path}/snapshot.json has an unknown format ${JSON.stringify(marker.format)}`, EXIT.verification);
  return marker;
}

export async function withMarker(client: S3Client, snapshot: Snapshot): Promise<CompleteSnapshot> {
  const marker = await readMarker(client, snapshot);
  if (marker === undefined) throw new CliError(`snapshot ${snapshot.path} is incomplete or gone (no snapshot.json)`, EXIT.notFound);
  return { ...snapshot, files: marker.files, bytes: marker.bytes, encrypted: marker.encrypted };
}

export function snapshotMs(snapshot: Snapshot): number {
  return stampToMs(snapshot.time);
}
