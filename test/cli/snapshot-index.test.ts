// The CLI's snapshot index (cli/snapshots.ts indexSnapshots) costs per snapshot, not per object:
// it equals the old whole-prefix listing on every S3 server of the suite, and never lists an
// instance's pool or locks (issue 29).
import * as assert from "node:assert/strict";
import { indexSnapshots, type InstanceIndex, type Snapshot } from "../../cli/snapshots";
import { CliError, EXIT } from "../../cli/errors";
import { SNAPSHOT_KINDS } from "../../components/builders/backup/engine";
import { startMotoServer, startS3Server, type S3Server } from "../support/s3server";
import {
  commonPrefixes,
  countingClient,
  poolKeys,
  referenceIndexSnapshots,
  seedKeys,
  snapshotKeys,
  type CountingClient,
} from "../support/snapshot-index";

const PREFIX = "backups/";
const T = ["20261120T010000Z", "20261121T010000Z", "20261122T010000Z"] as const;

/** A store with every case the index reads; the expected index, written out, is checked below. */
function storeKeys(): string[] {
  const keys: string[] = [];
  const bot = `${PREFIX}acme/bot/`;
  // Every kind: complete snapshots at the same times (the order between equal times is key order).
  for (const kind of SNAPSHOT_KINDS) for (const time of T.slice(0, 2)) keys.push(...snapshotKeys(bot, kind, time));
  keys.push(...snapshotKeys(bot, "periodic", T[2], false)); // incomplete: a run died before sealing
  keys.push(`${bot}manual/${T[2]}/`); // a folder marker only: incomplete
  keys.push(...poolKeys(bot, 40));
  // Old format (manifest v1-v3): data files inside the snapshot folder, one complete, one not.
  const enc = `${PREFIX}acme/enc/`;
  keys.push(
    `${enc}periodic/${T[0]}/data/state/openclaw.json`,
    `${enc}periodic/${T[0]}/data/state/agents/a/session.jsonl`,
    `${enc}periodic/${T[0]}/packs/state-0.tar`,
    `${enc}periodic/${T[0]}/manifest.tsv`,
    `${enc}periodic/${T[0]}/snapshot.json`,
  );
  keys.push(`${enc}periodic/${T[1]}/data/state/openclaw.json`, `${enc}periodic/${T[1]}/data/state/agents/a/session.jsonl`);
  keys.push(`${enc}pre-update/${T[1]}/encrypted/abc`, `${enc}pre-update/${T[1]}/snapshot.json`);
  // Tenants and instances whose names sort around each other's folders ('-' sorts before '/').
  keys.push(...snapshotKeys(`${PREFIX}acme-x/bot/`, "periodic", T[0]));
  keys.push(...snapshotKeys(`${PREFIX}acme/bot-2/`, "pre-delete", T[2]), ...poolKeys(`${PREFIX}acme/bot-2/`, 5));
  keys.push(...snapshotKeys(`${PREFIX}globex/ops/`, "periodic", T[1]), ...poolKeys(`${PREFIX}globex/ops/`, 10));
  keys.push(...poolKeys(`${PREFIX}initech/only-pool/`, 3)); // no snapshot at all: not in the index
  // Objects that are no snapshot: beside folders, too shallow, not a stamp, not a kind, elsewhere.
  keys.push(
    `${PREFIX}README`,
    `${PREFIX}acme/notes.txt`,
    `${PREFIX}acme/bot`,
    `${PREFIX}acme/bot/stray`,
    `${PREFIX}acme/bot/periodic/${T[0]}`,
    `${PREFIX}acme/bot/periodic/latest/snapshot.json`,
    `${PREFIX}acme/bot/daily/${T[0]}/snapshot.json`,
  );
  // The walk steps past acme/bot to `acme/bot0`: an object of that exact name, and the folder of an
  // instance named bot0 right after it.
  keys.push(`${PREFIX}acme/bot0`, ...snapshotKeys(`${PREFIX}acme/bot0/`, "manual", T[1]));
  keys.push(`other/acme/bot/periodic/${T[0]}/snapshot.json`, `backups-old/acme/bot/periodic/${T[0]}/snapshot.json`);
  return keys;
}

const entries = (index: Map<string, InstanceIndex>) => [...index.entries()];
/** The old index in the new one's order (instances by name; snapshots by time, then path). */
const byName = (index: Map<string, InstanceIndex>) => {
  const order = (a: Snapshot, b: Snapshot) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...index.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, i]) => [id, { complete: [...i.complete].sort(order), incomplete: [...i.incomplete].sort(order) }] as const);
};
const summary = (index: Map<string, InstanceIndex>) =>
  [...index.entries()].map(
    ([id, i]) =>
      `${id}: ${i.complete.map((s) => `${s.kind}/${s.time}`).join(" ")} | ${i.incomplete.map((s) => `${s.kind}/${s.time}`).join(" ")}`,
  );

const SCOPES = [
  {},
  { tenant: "acme" },
  { tenant: "acme", instance: "bot" },
  { tenant: "acme", instance: "enc" },
  { tenant: "globex" },
  { tenant: "nobody" },
  { tenant: "acme", instance: "nobody" },
  { tenant: "acme", instance: "bot0" },
];

for (const server of ["s3rver", "moto"] as const) {
  describe(`fleet CLI snapshot index on ${server}: per snapshot, never the pool`, function () {
    this.timeout(300_000);
    let s3: S3Server;
    let c: CountingClient;

    before(async function () {
      this.timeout(180_000);
      s3 = server === "moto" ? await startMotoServer() : await startS3Server();
      c = countingClient(s3);
      await seedKeys(c.client, s3.bucket, storeKeys());
    });

    after(async () => {
      await s3?.close();
    });

    it("gives exactly the old whole-prefix index for every scope, and the index written out", async () => {
      for (const scope of SCOPES) {
        const expected = await referenceIndexSnapshots(c.client, s3.bucket, PREFIX, scope);
        const actual = await indexSnapshots(c.client, s3.bucket, PREFIX, scope);
        assert.deepEqual(entries(actual), byName(expected), JSON.stringify(scope));
      }
      const all = await indexSnapshots(c.client, s3.bucket, PREFIX);
      const [t0, t1, t2] = T;
      assert.deepEqual(summary(all), [
        `acme-x/bot: periodic/${t0} | `,
        `acme/bot: manual/${t0} periodic/${t0} pre-delete/${t0} pre-update/${t0} manual/${t1} periodic/${t1} pre-delete/${t1} pre-update/${t1} | manual/${t2} periodic/${t2}`,
        `acme/bot-2: pre-delete/${t2} | `,
        `acme/bot0: manual/${t1} | `,
        `acme/enc: periodic/${t0} pre-update/${t1} | periodic/${t1}`,
        `globex/ops: periodic/${t1} | `,
      ]);
      const bot = all.get("acme/bot");
      assert.deepEqual(bot?.complete[1], {
        tenant: "acme",
        instance: "bot",
        kind: "periodic",
        time: T[0],
        path: `${PREFIX}acme/bot/periodic/${T[0]}`,
        bucket: s3.bucket,
      });
    });

    it("lists tenants and instances with a delimiter, then only the kind folders: never pool/ or locks/", async () => {
      c.reset();
      await indexSnapshots(c.client, s3.bucket, PREFIX);
      const tenants = ["acme", "acme-x", "globex", "initech"];
      const instances = 7; // acme-x/bot acme/bot acme/bot-2 acme/bot0 acme/enc globex/ops initech/only-pool
      const delimited = c.listings.filter((l) => l.delimiter === "/");
      assert.deepEqual(delimited.map((l) => l.prefix).sort(), [PREFIX, ...tenants.map((t) => `${PREFIX}${t}/`)].sort());
      const full = c.listings.filter((l) => l.delimiter === undefined);
      assert.equal(full.length, instances * SNAPSHOT_KINDS.length);
      for (const l of full)
        assert.ok(
          SNAPSHOT_KINDS.some((kind) => l.prefix.endsWith(`/${kind}/`)),
          `listed ${l.prefix}`,
        );
      assert.deepEqual(
        c.listings.flatMap((l) => l.keys).filter((k) => /\/(pool|locks)\//.test(k)),
        [],
      );
    });

    it("the requests and keys it lists do not grow with the pool (the old listing's do)", async () => {
      const measure = async (index: typeof indexSnapshots) => {
        c.reset();
        await index(c.client, s3.bucket, PREFIX);
        return { requests: c.listings.length, keys: c.keysListed() };
      };
      const before = { now: await measure(indexSnapshots), old: await measure(referenceIndexSnapshots) };
      // 1,200 more pool objects in each of two instances: more than a page (1,000 keys) each.
      await seedKeys(c.client, s3.bucket, [...poolKeys(`${PREFIX}acme/bot/`, 1200, 1000), ...poolKeys(`${PREFIX}globex/ops/`, 1200, 1000)]);
      const after = { now: await measure(indexSnapshots), old: await measure(referenceIndexSnapshots) };
      assert.deepEqual(after.now, before.now);
      assert.ok(
        after.old.keys >= before.old.keys + 2400 && after.old.requests > before.old.requests,
        `the old listing grows: ${JSON.stringify({ before, after })}`,
      );
      assert.deepEqual(
        entries(await indexSnapshots(c.client, s3.bucket, PREFIX)),
        byName(await referenceIndexSnapshots(c.client, s3.bucket, PREFIX)),
      );
    });

    it("delimited listings name folders that hold only folders, in S3's byte order", async () => {
      assert.deepEqual(
        await commonPrefixes(c.client, s3.bucket, PREFIX),
        ["acme-x", "acme", "globex", "initech"].map((t) => `${PREFIX}${t}/`),
      );
      const kinds = await commonPrefixes(c.client, s3.bucket, `${PREFIX}acme/bot/`);
      for (const folder of ["manual", "periodic", "pool", "pre-delete", "pre-update"])
        assert.ok(kinds.includes(`${PREFIX}acme/bot/${folder}/`), kinds.join(" "));
    });
  });
}

describe("fleet CLI snapshot index: store errors", function () {
  this.timeout(120_000);
  let s3: S3Server;
  let c: CountingClient;

  before(async () => {
    s3 = await startS3Server();
    c = countingClient(s3);
    await seedKeys(c.client, s3.bucket, [
      ...snapshotKeys(`${PREFIX}acme/bot/`, "periodic", T[0]),
      ...snapshotKeys(`${PREFIX}acme/enc/`, "periodic", T[0]),
      ...snapshotKeys(`${PREFIX}globex/ops/`, "periodic", T[0]),
    ]);
  });

  after(async () => {
    s3.injectFault(undefined);
    await s3?.close();
  });

  for (const failing of [1, 3, 9]) {
    it(`a listing refused (request ${failing}: ${failing === 1 ? "the tenants" : "a later listing, others in flight"}) is a CliError with the store's exit code`, async () => {
      let n = 0;
      s3.injectFault((r) => r.method === "GET" && r.key === "" && ++n === failing);
      try {
        await assert.rejects(indexSnapshots(c.client, s3.bucket, PREFIX), (error: unknown) => {
          assert.ok(error instanceof CliError, String(error));
          assert.equal(error.exitCode, EXIT.store);
          assert.match(error.message, /^cannot list s3:\/\/openclaw-backups\/backups\/.*AccessDenied/);
          return true;
        });
      } finally {
        s3.injectFault(undefined);
      }
      assert.equal((await indexSnapshots(c.client, s3.bucket, PREFIX)).size, 3);
    });
  }

  it("an unreachable store is a CliError with the store's exit code", async () => {
    const gone = countingClient({ endpoint: "http://127.0.0.1:9", accessKeyId: "x", secretAccessKey: "y" });
    await assert.rejects(
      indexSnapshots(gone.client, "b", PREFIX),
      (error: unknown) =>
        error instanceof CliError && error.exitCode === EXIT.store && /^cannot list s3:\/\/b\/backups\//.test(error.message),
    );
  });
});
