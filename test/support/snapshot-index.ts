// Shared by test/cli/snapshot-index.test.ts and bench/cli-index.ts: the CLI's snapshot index as it
// was before issue 29 (one listing of every object under the scope), a client that counts its
// ListObjectsV2 requests and the keys they return, and fast seeding of a store.
import { ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import { SNAPSHOT_KINDS, type SnapshotKind } from "../../components/builders/backup/engine";
import { listKeys, type InstanceIndex, type Snapshot } from "../../cli/snapshots";
import type { S3Server } from "./s3server";

/** The index before issue 29, kept verbatim as the reference the new one must equal. */
export async function referenceIndexSnapshots(
  client: S3Client,
  bucket: string,
  prefix: string,
  scope: { tenant?: string; instance?: string } = {},
): Promise<Map<string, InstanceIndex>> {
  const base = `${prefix}${scope.tenant !== undefined ? `${scope.tenant}/${scope.instance !== undefined ? `${scope.instance}/` : ""}` : ""}`;
  const seen = new Map<string, { snapshot: Snapshot; complete: boolean }>();
  for (const { key } of await listKeys(client, bucket, base)) {
    const parts = key.slice(prefix.length).split("/");
    if (parts.length < 5) continue;
    const [tenant, instance, kind, time, ...rest] = parts;
    if (tenant === undefined || instance === undefined || kind === undefined || time === undefined) continue;
    if (!(SNAPSHOT_KINDS as readonly string[]).includes(kind) || !/^\d{8}T\d{6}Z$/.test(time)) continue;
    const path = `${prefix}${tenant}/${instance}/${kind}/${time}`;
    const entry = seen.get(path) ?? { snapshot: { tenant, instance, kind: kind as SnapshotKind, time, path, bucket }, complete: false };
    if (rest.length === 1 && rest[0] === "snapshot.json") entry.complete = true;
    seen.set(path, entry);
  }
  const out = new Map<string, InstanceIndex>();
  for (const { snapshot, complete } of [...seen.values()].sort((a, b) => a.snapshot.time.localeCompare(b.snapshot.time))) {
    const id = `${snapshot.tenant}/${snapshot.instance}`;
    const index = out.get(id) ?? { complete: [], incomplete: [] };
    (complete ? index.complete : index.incomplete).push(snapshot);
    out.set(id, index);
  }
  return out;
}

export interface ListingRecord {
  readonly prefix: string;
  readonly startAfter?: string;
  readonly maxKeys?: number;
  readonly delimiter?: string;
  /** Keys the answer carried. */
  readonly keys: string[];
}

export interface CountingClient {
  readonly client: S3Client;
  /** Every ListObjectsV2 request since the last reset, with the keys it returned. */
  readonly listings: ListingRecord[];
  reset(): void;
  keysListed(): number;
}

/** An S3 client for the server that records every ListObjectsV2 request (a middleware). */
export function countingClient(s3: Pick<S3Server, "endpoint" | "accessKeyId" | "secretAccessKey">): CountingClient {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
  const listings: ListingRecord[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "ListObjectsV2Command") {
        const input = args.input as { Prefix?: string; StartAfter?: string; MaxKeys?: number; Delimiter?: string };
        const output = result.output as ListObjectsV2CommandOutput;
        listings.push({
          prefix: input.Prefix ?? "",
          startAfter: input.StartAfter,
          maxKeys: input.MaxKeys,
          delimiter: input.Delimiter,
          keys: (output.Contents ?? []).map((o) => o.Key ?? ""),
        });
      }
      return result;
    },
    { step: "initialize", name: "countListings" },
  );
  return {
    client,
    listings,
    reset: () => void (listings.length = 0),
    keysListed: () => listings.reduce((sum, l) => sum + l.keys.length, 0),
  };
}

/** Puts every key (a small body), `concurrency` at a time. */
export async function seedKeys(client: S3Client, bucket: string, keys: readonly string[], concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let key = keys[next++]; key !== undefined; key = keys[next++]) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: key.endsWith("snapshot.json") ? '{"format":"openclaw-backup/v1"}' : "x" }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** An instance's pool and locks: `objects` keys laid out as the engine writes them (docs/backups.md). */
export function poolKeys(base: string, objects: number, offset = 0): string[] {
  const keys: string[] = [];
  for (let n = offset; n < offset + objects; n++) {
    const sha = n.toString(16).padStart(64, "0");
    const where = n % 3;
    keys.push(
      where === 0
        ? `${base}pool/packs/state/20261101T000000Z-periodic-${n}.tar`
        : where === 1
          ? `${base}pool/objects/20261101T000000Z/${sha}`
          : `${base}pool/manifests/20261101T000000Z/${sha}`,
    );
  }
  keys.push(`${base}locks/20261122T000000Z-periodic.lock`);
  return keys;
}

/** One complete snapshot of the current format: its folder's two files. */
export function snapshotKeys(base: string, kind: string, time: string, complete = true): string[] {
  return [`${base}${kind}/${time}/manifest.tsv`, ...(complete ? [`${base}${kind}/${time}/snapshot.json`] : [])];
}

/** CommonPrefixes of a `/`-delimited listing of `prefix` (all pages), to check what a server answers. */
export async function commonPrefixes(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/", ContinuationToken: token }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) out.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}
