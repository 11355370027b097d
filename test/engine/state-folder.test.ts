// The state folder of a volume (OCB_SOURCE_SUBDIRS): OpenClaw's state directory is the folder
// `openclaw-state` of its volume (the new layout), or the volume's root on a volume not moved yet
// (the legacy layout). Backup pods mount the volume's root, so the engine finds the state itself:
// a snapshot holds the same paths (relative to the state directory) in both layouts, a restore
// always leaves the new layout and keeps whatever it replaces, and a volume half moved, or whose
// folder is not a folder, is never backed up.
import assert from "node:assert/strict";
import { copyFileSync, chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ENGINE_DIR, ENGINE_ENV, SQLITE_SNAPSHOT_SCRIPT } from "../../components/builders/backup/engine";
import { openclawRuntime, runBounded } from "../../scripts/lib/openclaw-cli";
import { busyboxPath, engineEnv, eventOf, expectExit, rclone, readManifest, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, isDefaultExcluded, readTree, sqlite } from "../support/state-tree";

const FOLDER = "openclaw-state";
const SUBDIRS = `state=${FOLDER}`;
const DB = "memory/main.sqlite";
const notSqlite = (rel: string): boolean => rel.endsWith(".sqlite");
const owner = { OCB_RESTORE_UID: String(process.getuid?.() ?? 0), OCB_RESTORE_GID: String(process.getgid?.() ?? 0) };

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

/** The files, folders and modes the snapshot of a state directory must hold (no SQLite). */
const EXPECTED_FILES = [
  "agents/main/agent/auth-profiles.json",
  "agents/main/sessions/s 1 é.jsonl",
  "media/voice.ogg",
  "openclaw.json",
  "private/key.pem",
];

/**
 * The same state, byte for byte, in any directory: small and large files, restrictive modes, an
 * empty folder, an excluded log, and a SQLite database (created once, then copied byte for byte so
 * every layout holds the same database file).
 */
async function writeState(stateDir: string, dbFrom?: string): Promise<void> {
  put(stateDir, "openclaw.json", '{"gateway":{"port":18789}}\n', 0o600);
  put(stateDir, "agents/main/agent/auth-profiles.json", '{"anthropic":{"key":"sk-test"}}\n', 0o600);
  put(stateDir, "agents/main/sessions/s 1 é.jsonl", '{"turn":0}\n{"turn":1}\n');
  put(stateDir, "media/voice.ogg", Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)));
  put(stateDir, "private/key.pem", "-----BEGIN KEY-----\n", 0o600);
  chmodSync(join(stateDir, "private"), 0o700);
  mkdirSync(join(stateDir, "empty"), { recursive: true });
  put(stateDir, "logs/gateway.log", "rebuildable\n");
  mkdirSync(join(stateDir, "memory"), { recursive: true });
  if (dbFrom === undefined) {
    await sqlite(
      join(stateDir, DB),
      "CREATE TABLE chunks(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO chunks(text) VALUES('remember the milk');",
    );
  } else {
    copyFileSync(dbFrom, join(stateDir, DB));
  }
}

/** f and d records of a manifest (hash, size, mode, path), sorted. */
function records(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("f\t") || l.startsWith("d\t"))
    .sort();
}

function filePaths(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("f\t"))
    .map((l) => l.split("\t").slice(4).join("\t"))
    .sort();
}

describe("backup engine: the state folder of a volume (OCB_SOURCE_SUBDIRS)", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  engineSuite("state-folder", (server, dir) => {
    s3 = server;
    work = dir;
  });

  function backupEnv(instance: string, volume: string, extra: Record<string, string> = {}): Record<string, string> {
    return engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: instance,
      OCB_KIND: "manual",
      OCB_SOURCES: `state=${volume}`,
      OCB_SOURCE_SUBDIRS: SUBDIRS,
      OCB_NOW: uniqueStamp(),
      ...extra,
    });
  }

  function restoreEnv(from: string, volume: string, stamp: string): Record<string, string> {
    return engineEnv(s3, { OCB_SOURCES: `state=${volume}`, OCB_SOURCE_SUBDIRS: SUBDIRS, OCB_RESTORE_FROM: from, OCB_NOW: stamp, ...owner });
  }

  async function bucketKeys(): Promise<string[]> {
    const listing = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}`]);
    assert.equal(listing.code, 0, listing.stderr);
    return listing.stdout.split("\n").filter(Boolean).sort();
  }

  /** A snapshot of a new-layout volume for instance `instance`; returns the state directory it was taken of. */
  async function snapshot(instance: string): Promise<string> {
    const volume = join(work, instance, "source");
    const state = join(volume, FOLDER);
    await writeState(state);
    expectExit(await runEngine({ env: backupEnv(instance, volume), args: ["backup"] }), 0, `backup of ${instance}`);
    return state;
  }

  /** The restored state equals the one backed up: every byte and mode, the database by its rows. */
  async function assertRestored(state: string, restored: string): Promise<void> {
    const keptAside = (rel: string): boolean => rel.startsWith(".pre-restore-");
    assert.deepEqual(
      diffTrees(
        readTree(state, (rel) => isDefaultExcluded(rel) || notSqlite(rel)),
        readTree(restored, (rel) => notSqlite(rel) || keptAside(rel)),
      ),
      [],
    );
    assert.equal(statSync(restored).mode & 0o777, 0o700, "the state folder is owner-only");
    assert.equal(await sqlite(join(restored, DB), "PRAGMA integrity_check; SELECT text FROM chunks;"), "ok\nremember the milk");
  }

  it("a volume in the legacy layout and one in the new layout give snapshots with the same paths and hashes", async () => {
    const legacy = join(work, "layouts/legacy");
    await writeState(legacy);
    mkdirSync(join(legacy, "lost+found"));
    const fresh = join(work, "layouts/new");
    await writeState(join(fresh, FOLDER), join(legacy, DB));
    // Beside the folder, only what is never state: lost+found and what earlier restores set aside.
    mkdirSync(join(fresh, "lost+found"));
    put(fresh, ".pre-restore-20260101T000000Z/openclaw.json", "set aside by an earlier restore\n");

    const fromLegacy = await runEngine({ env: backupEnv("legacy", legacy), args: ["backup"] });
    expectExit(fromLegacy, 0, "backup of the legacy volume");
    assert.match(fromLegacy.stderr, /legacy layout/);
    const fromNew = await runEngine({ env: backupEnv("new", fresh), args: ["backup"] });
    expectExit(fromNew, 0, "backup of the new-layout volume");
    assert.doesNotMatch(fromNew.stderr, /legacy layout/);

    const legacyManifest = (await readManifest(s3, String(eventOf(fromLegacy, "backup.complete").snapshot))).text;
    const newManifest = (await readManifest(s3, String(eventOf(fromNew, "backup.complete").snapshot))).text;
    assert.deepEqual(filePaths(newManifest), [...EXPECTED_FILES, DB].map((p) => `state/${p}`).sort());
    assert.deepEqual(records(newManifest), records(legacyManifest));
    assert.ok(records(newManifest).includes("d\t700\tstate/private"), "folder modes are recorded relative to the state directory");
    assert.ok(records(newManifest).includes("d\t755\tstate/empty"));
  });

  it("a SQLite database in the state folder is captured by sqlite-snapshot.mjs under the path the engine expects, in both layouts", async () => {
    for (const layout of ["new", "legacy"] as const) {
      const volume = join(work, `sqlite-${layout}`, "volume");
      const state = layout === "new" ? join(volume, FOLDER) : volume;
      await writeState(state);
      mkdirSync(join(state, "state"));
      await sqlite(
        join(state, "state/openclaw.sqlite"),
        "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT); INSERT INTO t VALUES('in the folder');",
      );
      const staging = join(work, `sqlite-${layout}`, "staging");
      const captured = await runBounded(
        openclawRuntime().node,
        [join(ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT)],
        { PATH: process.env.PATH ?? "", OCB_SOURCES: `state=${volume}`, OCB_SOURCE_SUBDIRS: SUBDIRS, OCB_SQLITE_STAGING: staging },
        60_000,
      );
      assert.equal(captured.code, 0, captured.stderr);
      assert.match(captured.stderr, /2 database\(s\) captured/);
      assert.deepEqual(
        readdirSync(join(staging, "state")).sort(),
        ["memory", "state"],
        `${layout}: staged relative to the state directory`,
      );
      assert.ok(existsSync(join(staging, "state", DB)) && existsSync(join(staging, "state/state/openclaw.sqlite")));

      // The engine takes the staged copies (it fails when one it needs is missing) and a restore
      // brings them back into the state folder.
      const backup = await runEngine({ env: backupEnv(`sqlite-${layout}`, volume, { OCB_SQLITE_STAGING: staging }), args: ["backup"] });
      expectExit(backup, 0, `${layout}: backup with the staged copies`);
      assert.match(backup.stderr, /captured 2 SQLite database\(s\)/);
      const target = join(work, `sqlite-${layout}`, "restored");
      expectExit(
        await runEngine({ env: restoreEnv(`acme/sqlite-${layout}/latest`, target, uniqueStamp()), args: ["restore"] }),
        0,
        `${layout}: restore`,
      );
      assert.equal(await sqlite(join(target, FOLDER, "state/openclaw.sqlite"), "SELECT v FROM t"), "in the folder");
      await assertRestored(state, join(target, FOLDER));
    }
  });

  it("a restore into an empty volume creates the state folder (mode 700) and puts the state in it", async () => {
    const state = await snapshot("empty");
    const volume = join(work, "empty", "volume");
    mkdirSync(join(volume, "lost+found"), { recursive: true });
    const restore = await runEngine({ env: restoreEnv("acme/empty/latest", volume, uniqueStamp()), args: ["restore"] });
    expectExit(restore, 0, "restore into an empty volume");
    assert.deepEqual(readdirSync(volume).sort(), ["lost+found", FOLDER]);
    await assertRestored(state, join(volume, FOLDER));
    assert.equal(eventOf(restore, "restore.complete").preRestore, "none");
  });

  it("a restore into a legacy volume keeps its entries, intact, in <folder>/.pre-restore-<time> and leaves the new layout", async () => {
    const state = await snapshot("onlegacy");
    const volume = join(work, "onlegacy", "volume");
    put(volume, "openclaw.json", '{"older":"config"}\n', 0o600);
    put(volume, "agents/other/sessions/today.jsonl", '{"turn":9}\n');
    put(volume, ".env", "LOCAL=1\n");
    mkdirSync(join(volume, "lost+found"));
    const before = readTree(volume, (rel) => rel.startsWith("lost+found"));
    const stamp = uniqueStamp();
    const restore = await runEngine({ env: restoreEnv("acme/onlegacy/latest", volume, stamp), args: ["restore"] });
    expectExit(restore, 0, "restore into a legacy volume");
    // Kept where the app sees it (~/.openclaw/.pre-restore-<time>), and removes it once sure.
    const aside = join(volume, FOLDER, `.pre-restore-${stamp}`);
    assert.deepEqual(readdirSync(volume).sort(), ["lost+found", FOLDER]);
    assert.deepEqual(diffTrees(before, readTree(aside)), [], "the legacy entries are kept exactly");
    await assertRestored(state, join(volume, FOLDER));
    assert.equal(eventOf(restore, "restore.complete").preRestore, aside);
  });

  it("a restore into a new-layout volume keeps the old state folder in openclaw-state/.pre-restore-<time>/openclaw-state", async () => {
    const state = await snapshot("onnew");
    const volume = join(work, "onnew", "volume");
    put(join(volume, FOLDER), "openclaw.json", '{"newer":"config"}\n', 0o600);
    put(join(volume, FOLDER), "agents/other/sessions/today.jsonl", '{"turn":3}\n');
    chmodSync(join(volume, FOLDER), 0o700);
    const before = readTree(join(volume, FOLDER));
    const stamp = uniqueStamp();
    expectExit(
      await runEngine({ env: restoreEnv("acme/onnew/latest", volume, stamp), args: ["restore"] }),
      0,
      "restore into a new-layout volume",
    );
    assert.deepEqual(readdirSync(volume).sort(), [FOLDER]);
    assert.deepEqual(readdirSync(join(volume, FOLDER, `.pre-restore-${stamp}`)), [FOLDER]);
    assert.deepEqual(
      diffTrees(before, readTree(join(volume, FOLDER, `.pre-restore-${stamp}`, FOLDER))),
      [],
      "the old state folder is kept exactly",
    );
    await assertRestored(state, join(volume, FOLDER));
    assert.deepEqual(
      readdirSync(volume).filter((n) => n.startsWith(".ocb-restore-")),
      [],
      "no staging left behind",
    );

    // The next backup of the restored volume reads the folder, never what was set aside.
    const again = await runEngine({ env: backupEnv("onnew", volume), args: ["backup"] });
    expectExit(again, 0, "backup of the restored volume");
    assert.deepEqual(
      filePaths((await readManifest(s3, String(eventOf(again, "backup.complete").snapshot))).text),
      [...EXPECTED_FILES, DB].map((p) => `state/${p}`).sort(),
    );
  });

  it("a plain folder restores into the state folder too", async () => {
    const src = join(work, "plainsrc");
    put(src, "openclaw.json", '{"from":"operator"}\n');
    put(src, "agents/main/sessions/a.jsonl", '{"turn":1}\n');
    const upload = await rclone(s3, ["copy", src, `store:${s3.bucket}/oc-acme/plain/2026-10-01`]);
    assert.equal(upload.code, 0, upload.stderr);
    const volume = join(work, "plain", "volume");
    put(volume, "stale.txt", "legacy\n");
    const stamp = uniqueStamp();
    expectExit(
      await runEngine({ env: restoreEnv("plain:oc-acme/plain/2026-10-01", volume, stamp), args: ["restore"] }),
      0,
      "plain restore",
    );
    assert.deepEqual(readdirSync(volume).sort(), [FOLDER]);
    assert.deepEqual(readdirSync(join(volume, FOLDER, `.pre-restore-${stamp}`)), ["stale.txt"]);
    const files = (root: string): string[] =>
      [...readTree(root, (rel) => rel.startsWith(".pre-restore-"))]
        .filter(([, e]) => e.type === "file")
        .map(([p, e]) => `${p} ${e.sha256}`)
        .sort();
    assert.deepEqual(files(join(volume, FOLDER)), files(src));
  });

  it("a half-moved volume (the folder and state beside it) is refused with exit 6 and nothing is written to the store", async () => {
    const volume = join(work, "half", "volume");
    await writeState(join(volume, FOLDER));
    put(volume, "openclaw.json", '{"not":"moved yet"}\n');
    mkdirSync(join(volume, "agents"));
    mkdirSync(join(volume, "lost+found"));
    const before = await bucketKeys();
    const result = await runEngine({ env: backupEnv("half", volume), args: ["backup"] });
    expectExit(result, 6, "backup of a half-moved volume");
    assert.match(result.stderr, /half moved/);
    assert.match(result.stderr, /agents, openclaw\.json\)/, "the entries beside the folder are named");
    assert.match(result.stderr, /Starting the instance finishes the move/);
    assert.deepEqual(await bucketKeys(), before, "nothing written to the store");
  });

  it("a legacy volume moved into its folder while it was read (the instance started meanwhile) is never sealed: exit 6, no completion marker", async () => {
    const volume = join(work, "moved", "volume");
    await writeState(volume);
    // The move of the app's init container, made to happen exactly while the manifest goes up:
    // a wrapper around the image's rclone, first on PATH for this run only.
    const real = await runBounded("sh", ["-c", "command -v rclone"], { PATH: process.env.PATH ?? "" }, 10_000);
    assert.equal(real.code, 0, "rclone on PATH");
    const bin = join(work, "moved", "bin");
    mkdirSync(bin, { recursive: true });
    const wrapper = [
      "#!/bin/sh",
      'for a in "$@"; do case "$a" in */manifest.tsv) [ -e "$MOVE_ROOT/$MOVE_FOLDER" ] || { mkdir "$MOVE_ROOT/.move" && mv "$MOVE_ROOT"/* "$MOVE_ROOT/.move"/ && mv "$MOVE_ROOT/.move" "$MOVE_ROOT/$MOVE_FOLDER"; } ;; esac; done',
      `exec ${real.stdout.trim()} "$@"`,
    ].join("\n");
    writeFileSync(join(bin, "rclone"), `${wrapper}\n`, { mode: 0o755 });
    const env = {
      ...backupEnv("moved", volume),
      PATH: `${bin}:${await busyboxPath()}:${process.env.PATH ?? ""}`,
      MOVE_ROOT: volume,
      MOVE_FOLDER: FOLDER,
    };
    const result = await runEngine({ env, args: ["backup"] });
    expectExit(result, 6, "backup of a volume moved while read");
    assert.match(result.stderr, /legacy layout/);
    assert.match(result.stderr, /moved to its state folder .* during this backup.*never taken for a good one/);
    assert.ok(existsSync(join(volume, FOLDER, "openclaw.json")), "the move happened during the run");
    const keys = await bucketKeys();
    const mine = keys.filter((k) => k.includes("acme/moved/manual/"));
    assert.ok(
      mine.some((k) => k.endsWith("/manifest.tsv")),
      `the run got as far as its manifest (${mine.join(", ")})`,
    );
    assert.ok(!mine.some((k) => k.endsWith("/snapshot.json")), "no completion marker: the snapshot is never restored or counted");
    // The next run reads the folder and seals.
    expectExit(await runEngine({ env: backupEnv("moved", volume), args: ["backup"] }), 0, "the next backup");
  });

  it("a state folder that is not a folder is refused with exit 6 and nothing is written to the store", async () => {
    const volume = join(work, "notdir", "volume");
    await writeState(volume);
    put(volume, FOLDER, "a file where the state folder goes\n");
    const before = await bucketKeys();
    const result = await runEngine({ env: backupEnv("notdir", volume), args: ["backup"] });
    expectExit(result, 6, "backup with a file as the state folder");
    assert.match(result.stderr, /exists but is not a folder/);
    assert.deepEqual(await bucketKeys(), before, "nothing written to the store");
  });

  it("bad OCB_SOURCE_SUBDIRS values fail backup and restore with exit 2", async () => {
    const volume = join(work, "bad", "volume");
    await writeState(volume);
    const bad: [string, RegExp][] = [
      ["state", /not name=folder/],
      ["state=", /must be one path segment/],
      ["state=a/b", /must be one path segment/],
      ["state=..", /must be one path segment/],
      ["state=.", /must be one path segment/],
      ["state=.hidden", /must be one path segment/],
      ["state=Upper", /must be one path segment/],
      ["state=trailing-", /must be one path segment/],
      ["state=*", /must be one path segment/],
      ["workspace=openclaw-state", /not a name in OCB_SOURCES/],
      ["=openclaw-state", /not a name in OCB_SOURCES/],
      ["state=openclaw-state state=other", /names 'state' twice/],
    ];
    for (const [value, message] of bad) {
      for (const command of ["backup", "restore"] as const) {
        const env =
          command === "backup"
            ? backupEnv("bad", volume, { [ENGINE_ENV.sourceSubdirs]: value })
            : { ...restoreEnv("acme/bad/latest", volume, uniqueStamp()), [ENGINE_ENV.sourceSubdirs]: value };
        const result = await runEngine({ env, args: [command] });
        expectExit(result, 2, `${command} with OCB_SOURCE_SUBDIRS='${value}'`);
        assert.match(result.stderr, /OCB_SOURCE_SUBDIRS/, `${command} '${value}': the message names the variable`);
        assert.match(result.stderr, message, `${command} '${value}'`);
      }
    }
    assert.deepEqual(
      readdirSync(volume).filter((n) => n.startsWith(".")),
      [],
      "no restore touched the volume",
    );
  });

  it("verify, list and prune run as before with OCB_SOURCE_SUBDIRS set", async () => {
    await snapshot("others");
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "others",
      OCB_SOURCES: `state=${join(work, "others", "source")}`,
      OCB_SOURCE_SUBDIRS: SUBDIRS,
      OCB_RETENTION_KEEP_LAST: "5",
    });
    const verify = await runEngine({ env, args: ["verify", "acme/others/latest"] });
    expectExit(verify, 0, "verify");
    assert.ok(Number(eventOf(verify, "verify.complete").files) === EXPECTED_FILES.length + 1, verify.stdout);
    const list = await runEngine({ env, args: ["list"] });
    expectExit(list, 0, "list");
    assert.match(list.stdout, /acme\/others\/manual\/\d{8}T\d{6}Z/);
    expectExit(await runEngine({ env, args: ["prune"] }), 0, "prune");
  });
});
