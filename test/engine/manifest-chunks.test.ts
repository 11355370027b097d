// A snapshot's metadata costs what changed, not the whole manifest again (issue 29): the manifest
// lives in the pool as content-addressed chunks (format v5), the snapshot folder holds an index of
// them, and a backup uploads only the chunks its base does not hold. Measured on a state the size
// of the one the issue measured (2,540 files, 58.5 MB), where a no-change backup used to send the
// whole 673 KB manifest again (1.15 % of the state).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, poolKeys, rclone, readManifest, runEngine, utcStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, readTree } from "../support/state-tree";

const DAY = 86_400_000;
const FILES = 2540;
const FILE_BYTES = 23_000;

describe("backup engine: manifest chunks (format v5)", function () {
  this.timeout(600_000);
  let s3: S3Server;
  let work: string;

  // On s3rver whatever OCB_TEST_S3 says: the test reads its counters.
  engineSuite(
    "mchunks",
    (server, dir) => {
      s3 = server;
      work = dir;
    },
    { server: "s3rver" },
  );

  const NOW = new Date(Date.UTC(2026, 10, 1, 12));
  const at = (daysAgo: number): string => utcStamp(new Date(NOW.getTime() - daysAgo * DAY));

  /** Bytes of objects written (Put) since the last resetCounters, outside the instance's locks. */
  function putBytes(filter: (key: string) => boolean = () => true): number {
    return s3.events.filter((e) => e.type === "Put" && !e.key.includes("/locks/") && filter(e.key)).reduce((sum, e) => sum + e.size, 0);
  }

  it("a no-change backup uploads the chunk index and the marker only; one changed file uploads the chunks around it; prune keeps exactly the chunks kept snapshots need", async () => {
    const state = join(work, "state");
    for (let i = 0; i < FILES; i++) {
      const dir = join(state, `agents/a${i % 40}/sessions`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `session-${String(i).padStart(5, "0")}.jsonl`), randomBytes(FILE_BYTES));
    }
    const stateBytes = FILES * FILE_BYTES;
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "chunks",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state}`,
      OCB_PRUNE_AFTER_BACKUP: "false",
      OCB_RETENTION_MAX_AGE_DAYS: "0",
    });

    const first = await runEngine({ env: { ...env, OCB_NOW: at(3) }, args: ["backup"], timeoutMs: 300_000 });
    expectExit(first, 0, "first backup");
    const firstSnap = String(eventOf(first, "backup.complete").snapshot);
    const full = await readManifest(s3, firstSnap);
    assert.ok(full.index !== undefined && full.index.startsWith("#openclaw-backup-manifest v5\n"), "the snapshot folder holds a v5 index");
    assert.ok(full.text.startsWith("#openclaw-backup-manifest v4\n"), "its chunks make up a v4 manifest");
    assert.equal(full.text.split("\n").filter((l) => l.startsWith("f\t")).length, FILES);
    const manifestBytes = Buffer.byteLength(full.text);
    assert.ok(full.chunks.length > 10, `${full.chunks.length} chunks for a ${manifestBytes}-byte manifest`);

    // No change: the index, the marker (and the lock) are all that is written.
    s3.resetCounters();
    const second = await runEngine({ env: { ...env, OCB_NOW: at(2) }, args: ["backup"], timeoutMs: 300_000 });
    expectExit(second, 0, "no-change backup");
    const secondSnap = String(eventOf(second, "backup.complete").snapshot);
    assert.equal(Number(eventOf(second, "backup.complete").uploadedBytes), 0, "no data and no chunk uploaded");
    const written = s3.events
      .filter((e) => e.type === "Put" && !e.key.includes("/locks/"))
      .map((e) => e.key.slice(secondSnap.length + 1))
      .sort();
    assert.deepEqual(written, ["manifest.tsv", "snapshot.json"]);
    const noChangeBytes = putBytes();
    const indexBytes = putBytes((k) => k.endsWith("/manifest.tsv"));
    const received = s3.bytesReceived();
    // Before (the whole manifest every time): 1.15 % of the state in the measurement, and
    // the manifest alone here. Now the index is a line per chunk.
    assert.ok(noChangeBytes / stateBytes < 0.0005, `no-change backup wrote ${noChangeBytes} bytes for a ${stateBytes}-byte state`);
    assert.ok(indexBytes * 50 < manifestBytes, `index ${indexBytes} bytes, manifest ${manifestBytes} bytes`);
    // Everything the server received, request headers of every listing and download included.
    assert.ok(received / stateBytes < 0.005, `server received ${received} bytes for a ${stateBytes}-byte state`);
    assert.deepEqual((await readManifest(s3, secondSnap)).chunks, full.chunks, "every chunk referenced where the first backup stored it");

    // One changed file: its records' chunks (and the index) go up, the rest is referenced.
    writeFileSync(join(state, "agents/a7/sessions/session-01207.jsonl"), randomBytes(FILE_BYTES));
    s3.resetCounters();
    const thirdStamp = at(1);
    const third = await runEngine({ env: { ...env, OCB_NOW: thirdStamp }, args: ["backup"], timeoutMs: 300_000 });
    expectExit(third, 0, "one-change backup");
    const thirdSnap = String(eventOf(third, "backup.complete").snapshot);
    const newChunkBytes = putBytes((k) => k.includes(`/pool/manifests/${thirdStamp}/`));
    const newChunks = s3.events.filter((e) => e.type === "Put" && e.key.includes(`/pool/manifests/${thirdStamp}/`)).length;
    // The chunk holding the file's records (grouped by path), and the one holding the new pack's
    // `p` record; a boundary depends on the path after it alone, so none moved.
    assert.ok(newChunks >= 1 && newChunks <= 2, `${newChunks} new chunk(s) for one changed file`);
    assert.ok(newChunkBytes * 5 < manifestBytes, `${newChunkBytes} bytes of new chunks for a ${manifestBytes}-byte manifest`);
    const thirdManifest = await readManifest(s3, thirdSnap);
    assert.equal(thirdManifest.chunks.filter((k) => !full.chunks.includes(k)).length, newChunks);

    // Prune keeps the newest only: the pool keeps exactly what it references, chunks included.
    const prune = await runEngine({ env: { ...env, OCB_NOW: at(0), OCB_RETENTION_KEEP_LAST: "1" }, args: ["prune"] });
    expectExit(prune, 0, "prune");
    const pool = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/backups/acme/chunks/pool/`]);
    assert.equal(pool.code, 0, pool.stderr);
    const stored = pool.stdout
      .split("\n")
      .filter(Boolean)
      .map((k) => `backups/acme/chunks/pool/${k}`)
      .sort();
    const keys = await poolKeys(s3, thirdSnap);
    assert.deepEqual(stored, [...new Set([...keys.files.values(), ...keys.packs, ...keys.chunks])].sort());
    assert.ok(
      stored.filter((k) => k.includes("/pool/manifests/")).length < full.chunks.length + newChunks,
      "chunks only the pruned snapshots had are gone",
    );

    // The kept snapshot, read back through its chunks, restores byte for byte.
    const target = join(work, "restored");
    const restore = await runEngine({
      env: { ...env, OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/chunks/latest" },
      args: ["restore"],
      timeoutMs: 300_000,
    });
    expectExit(restore, 0, "restore");
    assert.deepEqual(diffTrees(readTree(state), readTree(target)), []);

    // A chunk gone from the pool: the snapshot is damaged (exit 5), never half read.
    const gone = keys.chunks[0]!;
    assert.equal((await rclone(s3, ["deletefile", `store:${s3.bucket}/${gone}`])).code, 0);
    const verify = await runEngine({ env, args: ["verify", thirdSnap] });
    expectExit(verify, 5, "verify with a chunk gone");
    assert.match(verify.stderr, /manifest chunk manifests\/\S+ is missing from the pool or damaged/);
  });
});
