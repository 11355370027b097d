// The pool: snapshots share their instance's objects. Prune collects exactly what no remaining
// snapshot references, never while another backup may rely on old objects or a manifest cannot be
// read; and no snapshot references an object older than OCB_POOL_REFRESH_DAYS, so the lifecycle
// safety net (expiry by age) never deletes what a live snapshot needs.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, poolKeys, rclone, runEngine, utcStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, readTree } from "../support/state-tree";

const DAY = 86_400_000;
const MB = 1024 * 1024;

describe("backup engine: the shared pool, its garbage collection and its age limit", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  // On s3rver whatever OCB_TEST_S3 says: these cases use its hooks (faults, its disk, its counters).
  engineSuite(
    "pool",
    (server, dir) => {
      s3 = server;
      work = dir;
    },
    { server: "s3rver" },
  );

  const NOW = new Date(Date.UTC(2026, 10, 1, 12));
  const at = (daysAgo: number, minutes = 0): string => utcStamp(new Date(NOW.getTime() - daysAgo * DAY + minutes * 60_000));

  async function poolObjects(instance: string): Promise<string[]> {
    const r = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/backups/acme/${instance}/pool/`]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((k) => `backups/acme/${instance}/pool/${k}`)
      .sort();
  }

  async function referenced(snapshots: readonly string[]): Promise<string[]> {
    const keys = new Set<string>();
    for (const snapshot of snapshots) {
      const { files, packs, chunks } = await poolKeys(s3, snapshot);
      for (const k of [...files.values(), ...packs, ...chunks]) keys.add(k);
    }
    return [...keys].sort();
  }

  function changeState(state: string, day: number): void {
    writeFileSync(join(state, "openclaw.json"), `{"day":${day}}\n`);
    writeFileSync(join(state, "media.bin"), Buffer.alloc(2 * MB, day));
  }

  async function series(
    instance: string,
    state: string,
    extra: Record<string, string> = {},
  ): Promise<{ env: Record<string, string>; snapshots: string[] }> {
    mkdirSync(join(state, "notes"), { recursive: true });
    for (let i = 0; i < 8; i++) writeFileSync(join(state, `notes/n${i}.md`), `note ${i}\n`);
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: instance,
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state}`,
      OCB_RETENTION_MAX_AGE_DAYS: "0",
      OCB_PRUNE_AFTER_BACKUP: "false",
      ...extra,
    });
    const snapshots: string[] = [];
    for (const daysAgo of [4, 3, 2, 1]) {
      changeState(state, daysAgo);
      const r = await runEngine({ env: { ...env, OCB_NOW: at(daysAgo) }, args: ["backup"] });
      expectExit(r, 0, `backup ${daysAgo} days ago`);
      snapshots.push(String(eventOf(r, "backup.complete").snapshot));
    }
    return { env, snapshots };
  }

  it("prune keeps exactly the objects the remaining snapshots reference, and they still restore", async () => {
    const state = join(work, "gc/state");
    const { env, snapshots } = await series("gc", state);
    const before = await poolObjects("gc");
    const prune = await runEngine({ env: { ...env, OCB_NOW: at(0), OCB_RETENTION_KEEP_LAST: "2" }, args: ["prune"] });
    expectExit(prune, 0, "prune");
    assert.match(prune.stderr, /pool garbage collection read 2 manifest\(s\) and removed [1-9]\d* object\(s\)/);
    const after = await poolObjects("gc");
    assert.deepEqual(after, await referenced(snapshots.slice(2)), "the pool holds exactly what the two remaining snapshots reference");
    assert.ok(after.length < before.length, `objects were collected (${before.length} -> ${after.length})`);
    for (const snapshot of snapshots.slice(2)) {
      expectExit(await runEngine({ env, args: ["verify", snapshot] }), 0, `verify ${snapshot}`);
    }
    const target = join(work, "gc/restored");
    expectExit(
      await runEngine({ env: { ...env, OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: snapshots[2]! }, args: ["restore"] }),
      0,
      "restore of the older remaining snapshot",
    );
    assert.equal(readFileSync(join(target, "openclaw.json"), "utf8"), '{"day":2}\n');
    assert.deepEqual(readFileSync(join(target, "media.bin")), Buffer.alloc(2 * MB, 2));
  });

  it("speaks of the passphrase only when an encrypted snapshot is met: never for an instance that has none", async () => {
    const state = join(work, "mixed/state");
    const { env } = await series("mixed", state);
    const plain = await runEngine({ env: { ...env, OCB_NOW: at(0), OCB_RETENTION_KEEP_LAST: "3" }, args: ["prune"] });
    expectExit(plain, 0, "prune of a plain instance");
    assert.match(plain.stderr, /pool garbage collection read 3 manifest\(s\)/);
    assert.doesNotMatch(plain.stderr, /OCB_CRYPT_PASSWORD|encrypted/);

    // One encrypted snapshot of the same instance: a prune without the passphrase now says why
    // the encrypted pool is left alone, and still collects the plain one.
    const encrypted = await runEngine({
      env: { ...env, OCB_KIND: "manual", OCB_NOW: at(0, 1), OCB_CRYPT_PASSWORD: "mixed-secret" },
      args: ["backup"],
    });
    expectExit(encrypted, 0, "encrypted backup");
    const mixed = await runEngine({ env: { ...env, OCB_NOW: at(0, 2), OCB_RETENTION_KEEP_LAST: "2" }, args: ["prune"] });
    expectExit(mixed, 0, "prune of an instance with an encrypted snapshot");
    assert.match(
      mixed.stderr,
      /prune: encrypted snapshots need OCB_CRYPT_PASSWORD to be read: their pool is not garbage-collected by this run/,
    );
    assert.match(mixed.stderr, /pool garbage collection read 2 manifest\(s\)/);
  });

  it("collects nothing while another backup holds a young lock, or while a remaining manifest cannot be read", async () => {
    const state = join(work, "busy/state");
    const { env, snapshots } = await series("busy", state);
    const before = await poolObjects("busy");
    // Another backup started an hour ago and is still running.
    const lockFile = join(work, "busy/lock.json");
    writeFileSync(lockFile, "{}\n");
    const lockKey = `store:${s3.bucket}/backups/acme/busy/locks/${at(0, -60)}-manual.lock`;
    assert.equal((await rclone(s3, ["copyto", lockFile, lockKey])).code, 0);
    const busy = await runEngine({ env: { ...env, OCB_NOW: at(0), OCB_RETENTION_KEEP_LAST: "3" }, args: ["prune"] });
    expectExit(busy, 0, "prune while another backup runs");
    assert.match(busy.stderr, /1 other backup\(s\) of .* may be running .*garbage collection skipped/);
    assert.deepEqual(await poolObjects("busy"), before, "nothing collected");

    // The lock is gone; now the newest manifest is damaged: still nothing is collected.
    assert.equal((await rclone(s3, ["deletefile", lockKey])).code, 0);
    const manifestKey = `${snapshots[3]!}/manifest.tsv`;
    const file = s3.objectFile(manifestKey);
    const bytes = readFileSync(file);
    bytes[30] = bytes[30]! ^ 0xff;
    writeFileSync(file, bytes);
    const damaged = await runEngine({ env: { ...env, OCB_NOW: at(0, 1), OCB_RETENTION_KEEP_LAST: "2" }, args: ["prune"] });
    expectExit(damaged, 0, "prune with a damaged manifest");
    assert.match(damaged.stderr, /cannot be read or does not match its marker: pool garbage collection skipped/);
    assert.deepEqual(await poolObjects("busy"), before, "nothing collected");
  });

  it("a base of the per-snapshot format (v1, as stores hold them) still restores, and the next backup stores every file in the pool once", async () => {
    // A v1 snapshot exactly as the engine wrote them before the pool: data/ in its own folder.
    const state = join(work, "legacy/state");
    mkdirSync(join(state, "agents"), { recursive: true });
    const files: Record<string, string> = { "openclaw.json": '{"legacy":true}\n', "agents/a.md": "agent a\n" };
    for (const [path, text] of Object.entries(files)) writeFileSync(join(state, path), text);
    const stamp = at(2);
    const snap = `backups/acme/legacy/periodic/${stamp}`;
    const sha = (text: string): string => createHash("sha256").update(text).digest("hex");
    const manifest = [
      "#openclaw-backup-manifest v1",
      "d\t755\tstate/agents",
      ...Object.entries(files).map(([path, text]) => `f\t${sha(text)}\t${Buffer.byteLength(text)}\t644\tstate/${path}`),
      "s\tstate",
    ].join("\n");
    const body = `${manifest}\n`;
    const tmp = join(work, "legacy/tmp");
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, "manifest.tsv"), body);
    writeFileSync(
      join(tmp, "snapshot.json"),
      `${JSON.stringify({ format: "openclaw-backup/v1", tenant: "acme", instance: "legacy", kind: "periodic", time: stamp, files: 2, dirs: 1, bytes: 25, encrypted: false, manifestSha256: sha(body) })}\n`,
    );
    for (const path of Object.keys(files))
      assert.equal((await rclone(s3, ["copyto", join(state, path), `store:${s3.bucket}/${snap}/data/state/${path}`])).code, 0);
    for (const name of ["manifest.tsv", "snapshot.json"])
      assert.equal((await rclone(s3, ["copyto", join(tmp, name), `store:${s3.bucket}/${snap}/${name}`])).code, 0);

    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "legacy", OCB_KIND: "periodic", OCB_SOURCES: `state=${state}` });
    expectExit(await runEngine({ env, args: ["verify", snap] }), 0, "verify of the v1 snapshot");
    const next = await runEngine({ env: { ...env, OCB_NOW: at(1) }, args: ["backup"] });
    expectExit(next, 0, "backup on a v1 base");
    assert.match(next.stderr, /is of an older format .*stores every file in the pool once/);
    assert.equal(Number(eventOf(next, "backup.complete").uploadedFiles), 2);
    for (const [from, name] of [
      [snap, "old"],
      ["acme/legacy/latest", "new"],
    ] as const) {
      const target = join(work, `legacy/restored-${name}`);
      expectExit(
        await runEngine({ env: { ...env, OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: from }, args: ["restore"] }),
        0,
        `restore of the ${name} snapshot`,
      );
      assert.deepEqual(diffTrees(readTree(state), readTree(target)), [], name);
    }
  });

  it("a snapshot never references an object older than OCB_POOL_REFRESH_DAYS: an unchanged file is stored again", async () => {
    const state = join(work, "refresh/state");
    rmSync(state, { recursive: true, force: true });
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "media.bin"), Buffer.alloc(2 * MB, 9));
    writeFileSync(join(state, "small.md"), "small\n");
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "refresh",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state}`,
      OCB_PRUNE_AFTER_BACKUP: "false",
    });
    const first = await runEngine({ env: { ...env, OCB_NOW: at(40) }, args: ["backup"] });
    expectExit(first, 0, "first backup");
    const young = await runEngine({ env: { ...env, OCB_NOW: at(20) }, args: ["backup"] });
    expectExit(young, 0, "backup 20 days later");
    assert.equal(Number(eventOf(young, "backup.complete").uploadedFiles), 0, "20 days on, everything is referenced");
    const old = await runEngine({ env: { ...env, OCB_NOW: at(0) }, args: ["backup"] });
    expectExit(old, 0, "backup 40 days later");
    assert.equal(Number(eventOf(old, "backup.complete").uploadedFiles), 2, "40 days on, both files are stored again");
    const keys = await poolKeys(s3, String(eventOf(old, "backup.complete").snapshot));
    for (const key of [...keys.files.values(), ...keys.packs]) assert.ok(key.includes(at(0)), `${key} was written by the newest backup`);
    const target = join(work, "refresh/restored");
    expectExit(
      await runEngine({ env: { ...env, OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/refresh/latest" }, args: ["restore"] }),
      0,
      "restore",
    );
    assert.deepEqual(diffTrees(readTree(state), readTree(target)), []);
  });
});
