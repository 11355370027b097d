// Change detection by metadata: a periodic backup trusts size, mtime, ctime and inode recorded by
// the previous snapshot, and reads only what may have changed. Every case here is a way a trusted
// shortcut could miss a change; each asserts on the bytes a restore gives back.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, rclone, readManifest, runEngine, type EngineResult, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { sqlite } from "../support/state-tree";

const FILES = 30;

/** "change detection: T of N file(s) unchanged ..." -> [T, N], or undefined when nothing was trusted by design. */
function trusted(result: EngineResult): [number, number] | undefined {
  const m = /change detection: (\d+) of (\d+) file\(s\) unchanged/.exec(result.stderr);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Until the clock has moved past every ctime written so far: files written in the very second a scan starts are never trusted. */
async function pastThisSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 50));
}

describe("backup engine: change detection by metadata", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  engineSuite("change-detection", (server, dir) => {
    s3 = server;
    work = dir;
  });

  function tree(name: string): { state: string; sources: string } {
    const state = join(work, name, "state");
    for (let i = 0; i < FILES; i++) {
      mkdirSync(join(state, `notes/${i % 3}`), { recursive: true });
      writeFileSync(join(state, `notes/${i % 3}/note-${i}.md`), `# note ${i}\n${"x".repeat(100 + i)}\n`);
    }
    return { state, sources: `state=${state}` };
  }

  async function restoreLatest(instance: string, name: string): Promise<string> {
    const state = join(work, name, "state");
    const r = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${state}`, OCB_RESTORE_FROM: `acme/${instance}/latest` }),
      args: ["restore"],
    });
    expectExit(r, 0, `restore of acme/${instance}/latest`);
    return state;
  }

  it("trusts unchanged files, and still catches a same-size write whose old mtime was put back (its ctime moved)", async () => {
    const src = tree("cd-basic");
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "cd", OCB_KIND: "periodic", OCB_SOURCES: src.sources });
    await pastThisSecond();
    const first = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(first, 0, "first backup");
    assert.equal(trusted(first), undefined, "no previous snapshot: nothing to trust");

    const second = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(second, 0, "second backup");
    assert.deepEqual(trusted(second), [FILES, FILES], second.stderr);
    assert.equal(Number(eventOf(second, "backup.complete").uploadedFiles), 0);
    const manifest = await readManifest(s3, String(eventOf(second, "backup.complete").snapshot));
    assert.equal(manifest.text.split("\n").filter((l) => l.startsWith("t\t")).length, FILES, "one fingerprint per file for the next run");

    // Same size, old mtime restored: only the ctime (set by the kernel, not settable) tells.
    const sneaky = join(src.state, "notes/1/note-4.md");
    const reference = join(work, "cd-basic", "mtime-reference");
    execFileSync("touch", ["-r", sneaky, reference]);
    const before = statSync(sneaky, { bigint: true });
    const original = readFileSync(sneaky, "utf8");
    const rewritten = original.replace("# note 4", "# NOTE 4");
    assert.equal(rewritten.length, original.length);
    writeFileSync(sneaky, rewritten);
    execFileSync("touch", ["-m", "-r", reference, sneaky]);
    assert.equal(statSync(sneaky, { bigint: true }).mtimeNs, before.mtimeNs, "mtime put back to the nanosecond");
    assert.equal(statSync(sneaky, { bigint: true }).ino, before.ino, "same inode");
    writeFileSync(join(src.state, "notes/2/note-5.md"), "grown\n".repeat(50));
    const third = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(third, 0, "third backup");
    assert.deepEqual(trusted(third), [FILES - 2, FILES], third.stderr);
    assert.equal(Number(eventOf(third, "backup.complete").uploadedFiles), 2);

    const dst = await restoreLatest("cd", "cd-basic-dst");
    assert.equal(readFileSync(join(dst, "notes/1/note-4.md"), "utf8"), rewritten);
    assert.equal(readFileSync(join(dst, "notes/2/note-5.md"), "utf8"), "grown\n".repeat(50));
    assert.equal(readFileSync(join(dst, "notes/0/note-3.md"), "utf8"), readFileSync(join(src.state, "notes/0/note-3.md"), "utf8"));
  });

  it("trusts nothing written at or after the second the previous scan began, nor in pre-update, pre-delete or manual runs, nor with OCB_HASH_ALL", async () => {
    const src = tree("cd-racy");
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "cd-racy", OCB_KIND: "periodic", OCB_SOURCES: src.sources });
    await pastThisSecond();
    const first = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(first, 0, "first backup");
    // The previous scan began in the very second the files were written: its marker says so. (The
    // marker is edited rather than `date` stubbed on PATH: a busybox sh that prefers its applets
    // never runs a PATH stub, so such a test passes or fails with how busybox was built.)
    const early = Math.floor(statSync(join(src.state, "notes/0/note-0.md")).ctimeMs / 1000);
    const marker = `store:${s3.bucket}/${String(eventOf(first, "backup.complete").snapshot)}/snapshot.json`;
    const read = await rclone(s3, ["cat", marker]);
    assert.equal(read.code, 0, read.stderr);
    const edited = read.stdout.replace(/"scanStarted":\d+/, `"scanStarted":${early}`);
    assert.notEqual(edited, read.stdout, `no scanStarted field in ${marker}: ${read.stdout}`);
    const local = join(work, "cd-racy", "snapshot.json");
    writeFileSync(local, edited);
    const write = await rclone(s3, ["copyto", local, marker]);
    assert.equal(write.code, 0, write.stderr);
    const racy = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(racy, 0, "backup after it");
    assert.deepEqual(trusted(racy), [0, FILES], racy.stderr);

    const settled = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(settled, 0, "backup after a scan that began later");
    assert.deepEqual(trusted(settled), [FILES, FILES], settled.stderr);

    for (const [what, extra] of [
      ["pre-update", { OCB_KIND: "pre-update" }],
      ["pre-delete", { OCB_KIND: "pre-delete" }],
      ["manual", { OCB_KIND: "manual" }],
      ["OCB_HASH_ALL", { OCB_HASH_ALL: "true" }],
    ] as const) {
      const r = await runEngine({ env: { ...env, ...extra, OCB_NOW: uniqueStamp() }, args: ["backup"] });
      expectExit(r, 0, what);
      assert.equal(trusted(r), undefined, `${what} reads every file`);
      assert.equal(Number(eventOf(r, "backup.complete").uploadedFiles), 0, `${what}: nothing changed, nothing uploaded`);
    }
  });

  it("an unchanged SQLite database is not captured again; a new row is; an OCB_SQLITE_STAGING copy is always taken", async () => {
    const src = tree("cd-db");
    const db = join(src.state, "state/openclaw.sqlite");
    mkdirSync(join(src.state, "state"), { recursive: true });
    await sqlite(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('one');");
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "cd-db", OCB_KIND: "periodic", OCB_SOURCES: src.sources });
    await pastThisSecond();
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "first backup");
    await pastThisSecond();
    // The first capture may have left or removed the -wal; fingerprints settle after one run.
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "second backup");

    const unchanged = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(unchanged, 0, "backup with the database unchanged");
    assert.deepEqual(trusted(unchanged), [FILES + 1, FILES + 1], unchanged.stderr);
    assert.doesNotMatch(unchanged.stderr, /captured \d+ SQLite/);

    await sqlite(db, "INSERT INTO t VALUES ('two');");
    const changed = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(changed, 0, "backup after a new row");
    assert.match(changed.stderr, /captured 1 SQLite database\(s\) consistently/);
    assert.equal(
      await sqlite(join(await restoreLatest("cd-db", "cd-db-dst1"), "state/openclaw.sqlite"), "SELECT group_concat(v) FROM t;"),
      "one,two",
    );

    // The init container's copy is newer than any metadata the engine saw: it is always used.
    const staging = join(work, "cd-db", "staging");
    mkdirSync(join(staging, "state/state"), { recursive: true });
    await sqlite(
      join(staging, "state/state/openclaw.sqlite"),
      "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('one'), ('two'), ('from staging');",
    );
    await pastThisSecond();
    const staged = await runEngine({ env: { ...env, OCB_SQLITE_STAGING: staging, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(staged, 0, "backup from OCB_SQLITE_STAGING");
    assert.match(staged.stderr, /captured 1 SQLite database\(s\) consistently/);
    assert.equal(
      await sqlite(join(await restoreLatest("cd-db", "cd-db-dst2"), "state/openclaw.sqlite"), "SELECT group_concat(v) FROM t;"),
      "one,two,from staging",
    );
  });
});
