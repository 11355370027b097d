// The suite's two S3 servers list alike: s3rver, corrected in test/support/s3server.ts, answers
// every ListObjectsV2 below as moto (which follows S3) does, keys and common prefixes in S3's byte
// order, StartAfter, MaxKeys pages and continuation tokens included.
import * as assert from "node:assert/strict";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { startMotoServer, startS3Server, type S3Server } from "./s3server";
import { countingClient, seedKeys } from "./snapshot-index";

const KEYS = [
  "a",
  "a-b/x",
  "a.c",
  "a/",
  "a/b",
  "a/b/c/d",
  "a/b-2/e",
  "a/b0",
  "a/bz/",
  "a/bz/q",
  "b/é/1",
  "b/z/1",
  "b/\u{1F600}/1",
  "b/\uFFFD/1",
  ...Array.from({ length: 25 }, (_, i) => `c/${String(i).padStart(3, "0")}/k`),
];

interface Query {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly startAfter?: string;
  readonly maxKeys?: number;
}

const QUERIES: Query[] = [
  {},
  { prefix: "a" },
  { prefix: "a/" },
  { prefix: "a/", delimiter: "/" },
  { delimiter: "/" },
  { prefix: "b/", delimiter: "/" },
  { startAfter: "a/" },
  { startAfter: "a/b" },
  { prefix: "a/", startAfter: "a/b-2/e" },
  { startAfter: "a-b/x", maxKeys: 3 },
  { prefix: "c/", maxKeys: 7 },
  { prefix: "b/" },
  { prefix: "nothing/" },
];

/** Every page of a listing: keys and common prefixes, in the order the server gave them. */
async function listAll(client: S3Client, bucket: string, query: Query): Promise<{ keys: string[]; prefixes: string[]; pages: number }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: query.prefix,
        Delimiter: query.delimiter,
        StartAfter: token === undefined ? query.startAfter : undefined,
        MaxKeys: query.maxKeys,
        ContinuationToken: token,
      }),
    );
    pages++;
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
    prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return { keys, prefixes, pages };
}

describe("the suite's S3 servers list alike (s3rver as S3 and moto)", function () {
  this.timeout(180_000);
  const servers: S3Server[] = [];

  before(async function () {
    this.timeout(180_000);
    servers.push(await startS3Server(), await startMotoServer());
    for (const s3 of servers) await seedKeys(countingClient(s3).client, s3.bucket, KEYS);
  });

  after(async () => {
    for (const s3 of servers) await s3.close();
  });

  for (const query of QUERIES) {
    it(`ListObjectsV2 ${JSON.stringify(query)}`, async () => {
      const [s3rver, moto] = await Promise.all(servers.map((s3) => listAll(countingClient(s3).client, s3.bucket, query)));
      assert.ok(s3rver !== undefined && moto !== undefined, "both servers listed");
      assert.deepEqual(s3rver.keys, moto.keys);
      assert.deepEqual(s3rver.prefixes, moto.prefixes);
      if (query.delimiter === undefined) assert.equal(s3rver.pages, moto.pages, "the same pages");
      const sorted = [...moto.keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual(moto.keys, sorted, "moto lists in byte order");
    });
  }

  it("a listing past 1,000 keys pages with continuation tokens (s3rver's DES tokens under OpenSSL 3)", async () => {
    const [s3rver] = servers;
    assert.ok(s3rver, "s3rver is up");
    const client = countingClient(s3rver).client;
    const many = Array.from({ length: 1_205 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
    await seedKeys(client, s3rver.bucket, many);
    const listed = await listAll(client, s3rver.bucket, { prefix: "many/" });
    assert.deepEqual(listed.keys, many);
    assert.equal(listed.pages, 2);
  });
});
