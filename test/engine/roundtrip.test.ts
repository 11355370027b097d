// Data path, end to end: the real engine scripts, the real rclone binary, a real S3 server.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, rclone, readManifest, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, isDefaultExcluded, makeStateTree, readTree, sqlite, SqliteWriter, EXCLUDED_STATE_PATHS } from "../support/state-tree";

const MB = 1024 * 1024;
const notSqlite = (rel: string): boolean => rel.endsWith(".sqlite");

describe("backup engine: round trip on a real S3 server", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  // On s3rver whatever OCB_TEST_S3 says: these cases use its hooks (faults, its disk, its counters).
  engineSuite(
    "roundtrip",
    (server, dir) => {
      s3 = server;
      work = dir;
    },
    { server: "s3rver" },
  );

  function dirs(name: string): { state: string; workspace: string; sources: string } {
    const state = join(work, name, "state");
    const workspace = join(work, name, "workspace");
    return { state, workspace, sources: `state=${state} workspace=${workspace}` };
  }

  async function manifestLines(snapshot: string): Promise<string[]> {
    return (await readManifest(s3, snapshot)).text.split("\n").filter(Boolean);
  }

  it("restores a realistic state tree byte for byte, with a consistent copy of a SQLite database written during the backup", async () => {
    const src = dirs("rt-src");
    await makeStateTree(src.state, src.workspace, { bigFileBytes: 20 * MB });
    const liveDb = join(src.state, "state/openclaw.sqlite");
    mkdirSync(join(src.state, "state"), { recursive: true });
    const writer = new SqliteWriter(liveDb);
    try {
      await writer.firstCommit();
      const committedBefore = await writer.committed();
      assert.ok(committedBefore > 0, "the writer committed rows before the backup");
      assert.ok(existsSync(`${liveDb}-wal`), "the live database is in WAL mode with a -wal file");

      const env = engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: "rt",
        OCB_KIND: "manual",
        OCB_SOURCES: src.sources,
        OCB_NOW: uniqueStamp(),
      });
      const backup = await runEngine({ env, args: ["backup"] });
      expectExit(backup, 0, "backup");
      const committedAfter = await writer.committed();
      assert.ok(committedAfter > committedBefore, `the writer kept committing during the backup (${committedBefore} -> ${committedAfter})`);

      const done = eventOf(backup, "backup.complete");
      assert.equal(done.encrypted, false);
      assert.ok(Number(done.uploadedBytes) >= 20 * MB, `rclone reported ${done.uploadedBytes} bytes uploaded`);

      // The manifest holds every kept file with its size, and none of the rebuildable bulk.
      const manifest = await manifestLines(String(done.snapshot));
      assert.equal(manifest[0], "#openclaw-backup-manifest v4");
      const files = manifest.filter((l) => l.startsWith("f\t")).map((l) => l.split("\t"));
      const paths = files.map((f) => f.slice(4).join("\t"));
      // Files under 1 MiB travel in packs (`l` names each one's pack), larger ones one object each ("=<stamp>").
      const packed = new Map(
        manifest
          .filter((l) => l.startsWith("l\t") && !l.startsWith("l\t="))
          .map((l) => [l.split("\t").slice(2).join("\t"), l.split("\t")[1]!]),
      );
      const packNames = new Set(manifest.filter((l) => l.startsWith("p\t")).map((l) => l.split("\t")[3]!));
      for (const f of files)
        assert.equal(
          packed.has(f.slice(4).join("\t")),
          Number(f[2]) < MB,
          `${f.slice(4).join("\t")} (${f[2]} bytes) packed iff under 1 MiB`,
        );
      for (const pack of packed.values()) assert.ok(packNames.has(pack), `pack ${pack} has a p record`);
      assert.ok(paths.includes("state/media/inbound/voice note 1.ogg"));
      assert.equal(files.find((f) => f[4] === "state/media/inbound/voice note 1.ogg")?.[2], String(20 * MB));
      assert.ok(paths.includes("state/agents/helper bot/sessions/naïve ☃ notes.jsonl"));
      assert.ok(paths.includes("state/ leading space.txt"));
      assert.ok(paths.includes("workspace/skills/weather/run.sh"));
      for (const excluded of EXCLUDED_STATE_PATHS) assert.ok(!paths.includes(`state/${excluded}`), `${excluded} must be excluded`);
      assert.ok(!paths.some((p) => /-(wal|shm)$/.test(p)), "no SQLite sidecar is ever stored");
      assert.ok(manifest.includes("d\t755\tstate/empty"), "empty directories are recorded");
      assert.equal(Number(done.files), files.length);

      // Restore into fresh volumes.
      const dst = dirs("rt-dst");
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: dst.sources, OCB_RESTORE_FROM: "acme/rt/manual/latest", OCB_NOW: uniqueStamp() }),
        args: ["restore"],
      });
      expectExit(restore, 0, "restore");
      const skip = (rel: string): boolean => isDefaultExcluded(rel) || notSqlite(rel);
      assert.deepEqual(diffTrees(readTree(src.state, skip), readTree(dst.state, notSqlite)), []);
      assert.deepEqual(diffTrees(readTree(src.workspace, skip), readTree(dst.workspace, notSqlite)), []);
      assert.equal(statSync(join(dst.state, "openclaw.json")).mode & 0o777, 0o600);
      assert.equal(statSync(join(dst.workspace, "skills/weather/run.sh")).mode & 0o777, 0o755);
      const owner = process.getuid?.() === 0 ? 1000 : process.getuid?.();
      assert.equal(statSync(join(dst.state, "openclaw.json")).uid, owner);

      // The database: intact, every row committed before the backup began, no live sidecars.
      const restoredDb = join(dst.state, "state/openclaw.sqlite");
      assert.ok(!existsSync(`${restoredDb}-wal`));
      assert.equal(await sqlite(restoredDb, "PRAGMA integrity_check;"), "ok");
      const [count, max] = (await sqlite(restoredDb, `SELECT count(*), max(id) FROM events WHERE id <= ${committedBefore};`))
        .split("|")
        .map(Number);
      assert.equal(count, committedBefore);
      assert.equal(max, committedBefore);
      assert.equal(
        await sqlite(join(dst.state, "agents/main/agent/openclaw-agent.sqlite"), "SELECT v FROM kv WHERE k = 'model';"),
        "claude",
      );
      assert.equal(
        await sqlite(join(dst.state, "memory/main.sqlite"), "PRAGMA integrity_check; SELECT text FROM chunks;"),
        "ok\nremember the milk",
      );
    } finally {
      await writer.stop();
    }
  });

  it("a second backup of unchanged data uploads (almost) nothing and copies nothing: unchanged files are referenced in the pool", async () => {
    const src = dirs("inc");
    await makeStateTree(src.state, src.workspace, { bigFileBytes: 20 * MB });
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "inc", OCB_KIND: "periodic", OCB_SOURCES: src.sources });

    s3.resetCounters();
    const first = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(first, 0, "first backup");
    const firstEvent = eventOf(first, "backup.complete");
    const firstReceived = s3.bytesReceived();
    assert.ok(Number(firstEvent.uploadedBytes) >= 20 * MB);
    assert.equal(Number(firstEvent.reusedFiles), 0);
    assert.ok(firstReceived >= 20 * MB, `server received ${firstReceived} bytes on the first run`);

    s3.resetCounters();
    const second = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(second, 0, "second backup");
    const ev = eventOf(second, "backup.complete");
    const snapshotKey = `${String(ev.snapshot)}/`;
    // rclone's transfer stats, as the engine reports them.
    assert.equal(Number(ev.uploadedFiles), 0, second.stderr);
    assert.equal(Number(ev.uploadedBytes), 0);
    assert.equal(Number(ev.reusedFiles), Number(ev.files));
    assert.ok(Number(ev.reusedBytes) >= 20 * MB);
    assert.match(second.stderr, /uploaded_bytes=0 reused_files=\d+ reused_bytes=\d+/);
    // The server's own view: the manifest, the marker and the lock are all that was written; not
    // one object copied.
    const manifest = await manifestLines(String(ev.snapshot));
    const objects =
      manifest.filter((l) => l.startsWith("p\t")).length +
      new Set(manifest.filter((l) => l.startsWith("l\t=")).map((l) => l.split("\t")[1])).size;
    assert.ok(objects < Number(ev.files) / 2, `${objects} objects for ${ev.files} files`);
    const written = s3.events.filter((e) => e.type === "Put" || e.type === "Copy").map((e) => e.key);
    assert.deepEqual(
      written
        .filter((k) => !k.includes("/locks/"))
        .map((k) => k.slice(snapshotKey.length))
        .sort(),
      ["manifest.tsv", "snapshot.json"],
    );
    assert.equal(s3.events.filter((e) => e.type === "Copy").length, 0, "no server-side copy");
    assert.ok(s3.bytesReceived() < 512 * 1024, `server received ${s3.bytesReceived()} bytes on the second run`);

    // One changed file: exactly that file is uploaded, in a pack of its own in the pool.
    writeFileSync(join(src.workspace, "MEMORY.md"), "# Memory\n- second run\n");
    s3.resetCounters();
    const thirdStamp = uniqueStamp();
    const third = await runEngine({ env: { ...env, OCB_NOW: thirdStamp }, args: ["backup"] });
    expectExit(third, 0, "third backup");
    const ev3 = eventOf(third, "backup.complete");
    assert.equal(Number(ev3.uploadedFiles), 1);
    assert.equal(Number(ev3.reusedFiles), Number(ev3.files) - 1);
    const newPacks = s3.events
      .filter((e) => e.type === "Put" && e.key.includes("/pool/packs/") && e.key.includes(thirdStamp))
      .map((e) => e.key);
    assert.equal(newPacks.length, 1, `one new pack: ${newPacks.join(", ")}`);
    const members = await rclone(s3, ["cat", `store:${s3.bucket}/${newPacks[0]!}`]);
    assert.equal(members.code, 0, members.stderr);
    assert.ok(members.stdout.includes("# Memory\n- second run\n"), "the new pack holds the new content");
    const packPut = s3.events.find((e) => e.type === "Put" && e.key === newPacks[0]);
    assert.ok(packPut !== undefined && packPut.size <= 10_240, `a one-file pack is one tar record: ${packPut?.size} bytes`);
    // The rest of the upload is the manifest chunks around the changed records (manifest v5).
    const chunkBytes = s3.events
      .filter((e) => e.type === "Put" && e.key.includes(`/pool/manifests/${thirdStamp}/`))
      .reduce((sum, e) => sum + e.size, 0);
    assert.equal(Number(ev3.uploadedBytes), packPut.size + chunkBytes, "uploaded: the pack and the new manifest chunks");
  });

  it("client-side encryption: names and bytes encrypted, folder names readable, unchanged data referenced, exact restore", async () => {
    const src = dirs("enc");
    await makeStateTree(src.state, src.workspace, { bigFileBytes: 2 * MB });
    const secrets = { OCB_CRYPT_PASSWORD: "correct horse battery staple", OCB_CRYPT_PASSWORD2: "pepper" };
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "enc", OCB_KIND: "periodic", OCB_SOURCES: src.sources, ...secrets });
    const first = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(first, 0, "encrypted backup");
    assert.equal(eventOf(first, "backup.complete").encrypted, true);

    const listing = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/backups/acme/enc/`]);
    assert.equal(listing.code, 0, listing.stderr);
    const keys = listing.stdout.split("\n").filter(Boolean);
    assert.ok(
      keys.some((k) => /^periodic\/\d{8}T\d{6}Z\/snapshot\.json$/.test(k)),
      "marker is plain",
    );
    for (const k of keys.filter((k) => !k.endsWith("snapshot.json") && !k.startsWith("locks/"))) {
      assert.match(k, /^(periodic\/\d{8}T\d{6}Z|pool)\/encrypted\/[a-z0-9/]+$/, `key ${k} leaks a name`);
    }
    assert.ok(
      keys.some((k) => k.startsWith("pool/encrypted/")),
      "the data is in the encrypted pool",
    );
    const raw = await rclone(s3, ["cat", "--include", "*/encrypted/**", `store:${s3.bucket}/backups/acme/enc/`]);
    assert.ok(!raw.stdout.includes("t0k3n") && !raw.stdout.includes("sk-test"), "no plaintext secret in stored bytes");

    // Listing needs no passphrase.
    const { OCB_CRYPT_PASSWORD: _p, OCB_CRYPT_PASSWORD2: _s, ...noSecrets } = env;
    const list = await runEngine({ env: noSecrets, args: ["list"] });
    expectExit(list, 0, "list without passphrase");
    assert.match(list.stdout, /\tperiodic\t\d+\t\d+\tyes\tbackups\/acme\/enc\/periodic\//);

    writeFileSync(join(src.state, "cron/jobs.json"), "[]");
    s3.resetCounters();
    const second = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(second, 0, "second encrypted backup");
    const ev = eventOf(second, "backup.complete");
    assert.equal(Number(ev.uploadedFiles), 1);
    assert.equal(Number(ev.reusedFiles), Number(ev.files) - 1);
    assert.equal(s3.events.filter((e) => e.type === "Copy").length, 0, "unchanged packs and objects are referenced, not copied");

    const verify = await runEngine({ env, args: ["verify", "acme/enc/latest"] });
    expectExit(verify, 0, "verify encrypted");
    const dst = dirs("enc-dst");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: dst.sources, OCB_RESTORE_FROM: "backups/acme/enc/latest", ...secrets }),
      args: ["restore"],
    });
    expectExit(restore, 0, "encrypted restore");
    const skip = (rel: string): boolean => isDefaultExcluded(rel) || notSqlite(rel);
    assert.deepEqual(diffTrees(readTree(src.state, skip), readTree(dst.state, notSqlite)), []);
    assert.deepEqual(diffTrees(readTree(src.workspace, skip), readTree(dst.workspace, notSqlite)), []);
  });

  it("runs unchanged under busybox (the rclone image's userland): backup, verify, restore", async () => {
    const src = dirs("bb");
    await makeStateTree(src.state, src.workspace);
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "bb", OCB_KIND: "pre-update", OCB_SOURCES: src.sources });
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"], busybox: true }), 0, "busybox backup");
    writeFileSync(join(src.state, "openclaw.json"), '{"changed":true}');
    const second = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"], busybox: true });
    expectExit(second, 0, "busybox incremental backup");
    assert.equal(Number(eventOf(second, "backup.complete").uploadedFiles), 1);
    expectExit(await runEngine({ env, args: ["verify", "acme/bb/pre-update/latest"], busybox: true }), 0, "busybox verify");
    const dst = dirs("bb-dst");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: dst.sources, OCB_RESTORE_FROM: "acme/bb/latest" }),
      args: ["restore"],
      busybox: true,
    });
    expectExit(restore, 0, "busybox restore");
    const skip = (rel: string): boolean => isDefaultExcluded(rel) || notSqlite(rel);
    assert.deepEqual(diffTrees(readTree(src.state, skip), readTree(dst.state, notSqlite)), []);
    assert.deepEqual(diffTrees(readTree(src.workspace, skip), readTree(dst.workspace, notSqlite)), []);
  });
});
