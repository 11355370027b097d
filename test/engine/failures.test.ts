// Failure paths: every one exits non-zero with its documented code and leaves restore targets
// exactly as they were.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ENGINE_EXIT_CODES } from "../../components/builders/backup/engine";
import { engineEnv, eventOf, expectExit, poolKeys, rclone, run, runEngine, storeEnv, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, makeStateTree, readTree } from "../support/state-tree";

const MB = 1024 * 1024;

describe("backup engine: failures fail loudly and touch nothing", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  // On s3rver whatever OCB_TEST_S3 says: these cases use its hooks (faults, its disk, its counters).
  engineSuite(
    "failures",
    (server, dir) => {
      s3 = server;
      work = dir;
    },
    { server: "s3rver" },
  );

  /** A populated restore target whose exact content the test can compare afterwards. */
  function existingTarget(name: string): { dir: string; before: ReturnType<typeof readTree> } {
    const dir = join(work, name);
    mkdirSync(join(dir, "agents/main"), { recursive: true });
    writeFileSync(join(dir, "openclaw.json"), '{"current":"data"}');
    writeFileSync(join(dir, "agents/main/session.jsonl"), "{}\n");
    writeFileSync(join(dir, ".hidden"), "dot");
    return { dir, before: readTree(dir) };
  }

  it("a backup whose S3 server goes away mid-upload exits non-zero, completes no snapshot, and the previous snapshot still restores", async () => {
    const state = join(work, "outage/state");
    const workspace = join(work, "outage/workspace");
    await makeStateTree(state, workspace);
    const big = join(state, "media/recording.bin");
    mkdirSync(join(state, "media"), { recursive: true });
    const original = randomBytes(4 * MB);
    writeFileSync(big, original);
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "outage",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state} workspace=${workspace}`,
    });
    const first = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(first, 0, "first backup");
    const good = String(eventOf(first, "backup.complete").snapshot);

    writeFileSync(big, randomBytes(4 * MB));
    const failedStamp = uniqueStamp();
    let cut: Promise<void> | undefined;
    const failed = await runEngine({
      // Slow the transfer so the outage lands mid-upload; few retries so the run ends quickly.
      env: {
        ...env,
        OCB_NOW: failedStamp,
        OCB_RCLONE_EXTRA_FLAGS: "--bwlimit 2M",
        OCB_RCLONE_RETRIES: "1",
        OCB_RCLONE_LOW_LEVEL_RETRIES: "1",
      },
      args: ["backup"],
      timeoutMs: 120_000,
      onStderr: (_chunk, soFar) => {
        if (!cut && soFar.includes("upload: starting")) {
          cut = new Promise((resolve) => setTimeout(resolve, 700)).then(() => s3.stop());
        }
      },
    });
    assert.ok(cut, `the run reached the upload step:\n${failed.stderr}`);
    await cut;
    assert.equal(failed.code, ENGINE_EXIT_CODES.store, failed.stderr);
    assert.match(failed.stderr, /stays incomplete/);
    await s3.start();

    const objects = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/backups/acme/outage/periodic/${failedStamp}/`]);
    assert.equal(objects.code, 0, objects.stderr);
    assert.ok(!objects.stdout.split("\n").includes("snapshot.json"), "the interrupted snapshot has no completion marker");
    const list = await runEngine({ env, args: ["list"] });
    expectExit(list, 0, "list");
    assert.deepEqual(
      list.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split("\t")[5]),
      [good],
    );

    const target = join(work, "outage/restored");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/outage/latest" }),
      args: ["restore"],
    });
    expectExit(restore, 0, "restore after outage");
    assert.equal(eventOf(restore, "restore.complete").snapshot, good);
    assert.ok(readFileSync(join(target, "media/recording.bin")).equals(original), "the previous snapshot's bytes come back");
  });

  it("with the store gone, a backup fails at its first contact within its bounded tries (exit 3, the snapshot stays incomplete), not after minutes of retries", async () => {
    const state = join(work, "gone/state");
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "openclaw.json"), "{}\n");
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "gone", OCB_KIND: "periodic", OCB_SOURCES: `state=${state}` });
    await s3.stop();
    // In the server's place, a listener that takes each connection and drops it at once: every
    // attempt rclone makes is counted, and each fails like a store that is gone.
    let connections = 0;
    const dropper = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropper.listen(s3.port, "127.0.0.1", resolve));
    let failed: Awaited<ReturnType<typeof runEngine>>;
    try {
      failed = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"], timeoutMs: 180_000 });
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
      await s3.start();
    }
    expectExit(failed, ENGINE_EXIT_CODES.store, "backup with the store gone");
    // The defaults (2 tries of 2 attempts, 10 s to connect) are what the message reports, and no
    // more connections than those tries were made: nothing else was attempted after the probe.
    assert.match(
      failed.stderr,
      /cannot reach the store .*first contact: 2 tries of 2 low-level attempts, connect timeout 10s, I\/O timeout 30s/,
    );
    assert.match(failed.stderr, /stays incomplete and is never taken for a good one/);
    assert.ok(connections >= 1 && connections <= 2 * 2, `${connections} connection(s) for 2 tries of 2 attempts`);
    // Before: about 141 s (235 s on this loaded machine) of rclone's usual 3 x 10 attempts.
    assert.ok(failed.durationMs < 60_000, `failed after ${failed.durationMs} ms`);
    const objects = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/backups/acme/gone/`]);
    assert.equal(objects.code, 0, objects.stderr);
    assert.equal(objects.stdout, "", "nothing was written for the instance: no marker, no lock, no data");
    // Configured tighter, the same bound holds with fewer attempts.
    const once = await runEngine({
      env: {
        ...env,
        OCB_NOW: uniqueStamp(),
        OCB_STORE_PROBE_RETRIES: "1",
        OCB_STORE_PROBE_LOW_LEVEL_RETRIES: "1",
        RCLONE_CONFIG_STORE_ENDPOINT: "http://127.0.0.1:9",
      },
      args: ["backup"],
      timeoutMs: 120_000,
    });
    expectExit(once, ENGINE_EXIT_CODES.store, "backup with one try of one attempt");
    assert.match(once.stderr, /first contact: 1 tries of 1 low-level attempts/);
    assert.ok(once.durationMs < 30_000, `failed after ${once.durationMs} ms`);
  });

  it("a wrong or missing passphrase fails non-zero and restores nothing (rclone alone would exit 0 with 0 files)", async () => {
    const state = join(work, "crypt/state");
    await makeStateTree(state, join(work, "crypt/unused-workspace"));
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "crypt",
      OCB_KIND: "manual",
      OCB_SOURCES: `state=${state}`,
      OCB_CRYPT_PASSWORD: "right one",
    });
    const backup = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(backup, 0, "encrypted backup");
    const snapshot = String(eventOf(backup, "backup.complete").snapshot);

    // The trap the engine has to see through: rclone with the wrong key "succeeds" with nothing.
    const obscured = await run("rclone", ["obscure", "-"], { PATH: process.env.PATH ?? "" }, { input: "wrong one\n" });
    const trapDir = join(work, "crypt/trap");
    const trap = await run(
      "rclone",
      ["--config", "", "copy", "wrongkey:data", trapDir],
      {
        PATH: process.env.PATH ?? "",
        ...storeEnv(s3),
        RCLONE_CONFIG_WRONGKEY_TYPE: "crypt",
        RCLONE_CONFIG_WRONGKEY_REMOTE: `store:${s3.bucket}/${snapshot}/encrypted`,
        RCLONE_CONFIG_WRONGKEY_PASSWORD: obscured.stdout.trim(),
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(trap.code, 0, "rclone itself exits 0 with a wrong key");
    assert.deepEqual(existsSync(trapDir) ? readdirSync(trapDir, { recursive: true }) : [], [], "and restores no file");

    const target = existingTarget("crypt/target");
    for (const password of ["wrong one", undefined]) {
      const restoreEnv = engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: snapshot });
      if (password) restoreEnv.OCB_CRYPT_PASSWORD = password;
      const restore = await runEngine({ env: restoreEnv, args: ["restore"] });
      assert.equal(restore.code, ENGINE_EXIT_CODES.verification, restore.stderr);
      assert.match(restore.stderr, password ? /wrong OCB_CRYPT_PASSWORD/ : /is encrypted: set OCB_CRYPT_PASSWORD/);
      assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], "target untouched");
    }
    const verify = await runEngine({ env: { ...env, OCB_CRYPT_PASSWORD: "wrong one" }, args: ["verify", snapshot] });
    assert.equal(verify.code, ENGINE_EXIT_CODES.verification, verify.stderr);
  });

  // Files stored alone in the pool (objects/<stamp>/<sha256>): files of 1 MiB and more, and every
  // file with OCB_PACK_BELOW_BYTES=0.
  describe("a corrupted stored object is detected at restore and the target is untouched", () => {
    let snapshot: string;
    let env: Record<string, string>;
    let runs = 0;

    // A fresh instance each time: a later backup of the same instance would reference the
    // objects an earlier case damaged (docs/backups.md, Limits).
    beforeEach(async () => {
      runs += 1;
      const state = join(work, "corrupt/state");
      rmSync(join(work, "corrupt"), { recursive: true, force: true });
      await makeStateTree(state, join(work, "corrupt/unused-workspace"), { bigFileBytes: MB });
      env = engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: `corrupt-${runs}`,
        OCB_KIND: "periodic",
        OCB_SOURCES: `state=${state}`,
        OCB_PACK_BELOW_BYTES: "0",
      });
      const backup = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
      expectExit(backup, 0, "backup");
      snapshot = String(eventOf(backup, "backup.complete").snapshot);
    });

    it("object rewritten through the S3 API (valid ETag, wrong bytes): the manifest's sha256 catches it", async () => {
      const key = (await poolKeys(s3, snapshot)).files.get("state/openclaw.json")!;
      const original = (await rclone(s3, ["cat", `store:${s3.bucket}/${key}`])).stdout;
      const forged = join(work, "forged.json");
      writeFileSync(forged, original.replace("t0k3n", "F0RG3"));
      assert.equal(readFileSync(forged).length, Buffer.byteLength(original), "same size, different bytes");
      const put = await rclone(s3, ["copyto", forged, `store:${s3.bucket}/${key}`]);
      assert.equal(put.code, 0, put.stderr);

      const target = existingTarget("corrupt/target-api");
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: snapshot }),
        args: ["restore"],
      });
      assert.equal(restore.code, ENGINE_EXIT_CODES.verification, restore.stderr);
      assert.match(restore.stderr, /sha256 differs: state\/openclaw\.json/);
      assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], "target untouched");

      const verify = await runEngine({ env, args: ["verify", snapshot] });
      assert.equal(verify.code, ENGINE_EXIT_CODES.verification, verify.stderr);
      assert.match(verify.stderr, /sha256 differs: state\/openclaw\.json/);
    });

    it("objects planted in the pool or in the snapshot folder never reach a restore: it writes exactly the manifest's files", async () => {
      const planted = join(work, "planted");
      mkdirSync(planted, { recursive: true });
      writeFileSync(join(planted, "small.json"), '{"planted":true}');
      const instance = snapshot.split("/").slice(0, -2).join("/");
      for (const key of [
        `${instance}/pool/objects/20200101T000000Z/${"0".repeat(64)}`,
        `${instance}/pool/packs/state/20200101T000000Z-periodic-001.tar`,
        `${snapshot}/data/state/agents/planted.json`,
      ]) {
        const put = await rclone(s3, ["copyto", join(planted, "small.json"), `store:${s3.bucket}/${key}`]);
        assert.equal(put.code, 0, put.stderr);
      }
      const target = join(work, "corrupt/target-planted");
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: snapshot }),
        args: ["restore"],
      });
      expectExit(restore, 0, "restore");
      const restored = readTree(target);
      assert.ok(restored.has("openclaw.json"));
      assert.ok(![...restored.keys()].some((p) => p.includes("planted")), "nothing planted was restored");
    });

    it("a download the store refuses, large (first pass) or small (background pass), is exit 3 and leaves the target as it was", async () => {
      const keys = (await poolKeys(s3, snapshot)).files;
      for (const [pass, path] of [
        ["large", "state/media/inbound/voice note 1.ogg"],
        ["small", "state/openclaw.json"],
      ] as const) {
        const target = existingTarget(`corrupt/target-refused-${pass}`);
        const key = keys.get(path)!;
        s3.injectFault((r) => r.method === "GET" && r.key === key);
        try {
          const restore = await runEngine({
            env: engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: snapshot }),
            args: ["restore"],
          });
          assert.equal(restore.code, ENGINE_EXIT_CODES.store, `${pass}: ${restore.stderr}`);
          assert.match(restore.stderr, /download of the pool objects of source 'state' of .* failed; targets untouched/, pass);
        } finally {
          s3.injectFault(undefined);
        }
        // Compared whole: a leftover .ocb-restore-* staging folder would show up here too.
        assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], `${pass}: target untouched`);
      }
    });

    it("object bytes flipped on the server's disk: the download check catches it", async () => {
      const file = s3.objectFile((await poolKeys(s3, snapshot)).files.get("state/media/inbound/voice note 1.ogg")!);
      const bytes = readFileSync(file);
      bytes[1000] = bytes[1000]! ^ 0xff;
      writeFileSync(file, bytes);

      const target = existingTarget("corrupt/target-disk");
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: snapshot }),
        args: ["restore"],
      });
      assert.equal(restore.code, ENGINE_EXIT_CODES.verification, restore.stderr);
      assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], "target untouched");
      const verify = await runEngine({ env, args: ["verify", snapshot] });
      assert.equal(verify.code, ENGINE_EXIT_CODES.verification, verify.stderr);
    });
  });

  describe("a corrupted pack is detected at restore and verify, and the target is untouched", () => {
    let snapshot: string;
    let env: Record<string, string>;
    let pack: string;
    let runs = 0;

    beforeEach(async () => {
      runs += 1;
      const state = join(work, "corrupt-pack/state");
      rmSync(join(work, "corrupt-pack"), { recursive: true, force: true });
      await makeStateTree(state, join(work, "corrupt-pack/unused-workspace"), { bigFileBytes: MB });
      env = engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: `corrupt-pack-${runs}`,
        OCB_KIND: "periodic",
        OCB_SOURCES: `state=${state}`,
      });
      const backup = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
      expectExit(backup, 0, "backup");
      snapshot = String(eventOf(backup, "backup.complete").snapshot);
      const packs = (await poolKeys(s3, snapshot)).packs;
      assert.equal(packs.length, 1, `one pack: ${packs.join(", ")}`);
      pack = packs[0]!;
    });

    async function refused(name: string, code: number, pattern: RegExp): Promise<void> {
      const target = existingTarget(`corrupt-pack/target-${name}`);
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: snapshot }),
        args: ["restore"],
      });
      assert.equal(restore.code, code, restore.stderr);
      assert.match(restore.stderr, pattern);
      // Compared whole: a leftover staging or packs folder would show up here too.
      assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], "target untouched");
    }

    it("a pack rewritten through the S3 API (valid ETag, same size, wrong bytes): its sha256 in the manifest catches it", async () => {
      const original = readFileSync(s3.objectFile(pack));
      const at = original.indexOf("t0k3n");
      assert.ok(at > 0, "openclaw.json is in the pack");
      const forged = join(work, "forged.tar");
      writeFileSync(forged, Buffer.concat([original.subarray(0, at), Buffer.from("F0RG3"), original.subarray(at + 5)]));
      assert.equal(readFileSync(forged).length, original.length, "same size, different bytes");
      const put = await rclone(s3, ["copyto", forged, `store:${s3.bucket}/${pack}`]);
      assert.equal(put.code, 0, put.stderr);
      await refused("api", ENGINE_EXIT_CODES.verification, /pack sha256 differs: .*\.tar/);
      const verify = await runEngine({ env, args: ["verify", snapshot] });
      assert.equal(verify.code, ENGINE_EXIT_CODES.verification, verify.stderr);
      assert.match(verify.stderr, /pack sha256 differs/);
    });

    it("a pack download the store refuses is exit 3; bytes flipped on the server's disk are exit 5", async () => {
      s3.injectFault((r) => r.method === "GET" && r.key.endsWith(".tar"));
      try {
        await refused("refused", ENGINE_EXIT_CODES.store, /download of the pool objects of source 'state' of .* failed; targets untouched/);
      } finally {
        s3.injectFault(undefined);
      }
      const file = s3.objectFile(pack);
      const bytes = readFileSync(file);
      bytes[600] = bytes[600]! ^ 0xff;
      writeFileSync(file, bytes);
      await refused("disk", ENGINE_EXIT_CODES.verification, /damaged/);
      const verify = await runEngine({ env, args: ["verify", snapshot] });
      assert.equal(verify.code, ENGINE_EXIT_CODES.verification, verify.stderr);
    });
  });

  it("a missing snapshot is exit 4, for every way of naming it", async () => {
    const target = existingTarget("missing/target");
    for (const from of [
      "acme/nobody/latest",
      "acme/nobody/periodic/latest",
      "acme/outage/periodic/20200101T000000Z",
      "backups/acme/outage/manual/latest",
      "plain:legacy/nothing-here",
    ]) {
      const restore = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target.dir}`, OCB_RESTORE_FROM: from }),
        args: ["restore"],
      });
      assert.equal(restore.code, ENGINE_EXIT_CODES.notFound, `${from}: ${restore.stderr}`);
    }
    assert.deepEqual(diffTrees(target.before, readTree(target.dir)), [], "target untouched");
    const verify = await runEngine({ env: engineEnv(s3, {}), args: ["verify", "acme/nobody/latest"] });
    assert.equal(verify.code, ENGINE_EXIT_CODES.notFound, verify.stderr);
  });

  it("configuration errors are exit 2 with a message naming the variable", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ OCB_TENANT: "acme", OCB_INSTANCE: "x", OCB_KIND: "hourly", OCB_SOURCES: `state=${work}` }, /OCB_KIND='hourly'/],
      [{ OCB_TENANT: "Acme!", OCB_INSTANCE: "x", OCB_KIND: "manual", OCB_SOURCES: `state=${work}` }, /OCB_TENANT/],
      [{ OCB_TENANT: "acme", OCB_INSTANCE: "x", OCB_KIND: "manual", OCB_SOURCES: "state=relative/dir" }, /absolute path/],
      [{ OCB_TENANT: "acme", OCB_INSTANCE: "x", OCB_KIND: "manual" }, /OCB_SOURCES is not set/],
    ];
    for (const [values, message] of cases) {
      const r = await runEngine({ env: engineEnv(s3, values), args: ["backup"] });
      assert.equal(r.code, ENGINE_EXIT_CODES.usage, r.stderr);
      assert.match(r.stderr, message);
    }
    const unknown = await runEngine({ env: engineEnv(s3, {}), args: ["explode"] });
    assert.equal(unknown.code, ENGINE_EXIT_CODES.usage);
  });

  it("refuses to copy a live SQLite database when neither sqlite3 nor OCB_SQLITE_STAGING is available", async () => {
    const state = join(work, "nosqlite/state");
    await makeStateTree(state, join(work, "nosqlite/ws"));
    const bin = join(work, "nosqlite/bin");
    mkdirSync(bin, { recursive: true });
    // PATH without sqlite3: the engine's tools only, linked from where they are.
    const tools = [
      "rclone",
      "sh",
      "awk",
      "sed",
      "grep",
      "sort",
      "find",
      "stat",
      "date",
      "mktemp",
      "dd",
      "cut",
      "tr",
      "wc",
      "head",
      "tail",
      "dirname",
      "mkdir",
      "rm",
      "cat",
      "cp",
      "sha256sum",
      "id",
      "chmod",
      "chown",
      "mv",
      "rmdir",
      "uniq",
      "od",
      "xargs",
      "readlink",
      "ln",
      "mkfifo",
      "tar",
    ];
    for (const tool of tools) {
      const where = await run("sh", ["-c", `command -v ${tool}`], { PATH: process.env.PATH ?? "" });
      if (where.code === 0) await run("ln", ["-s", where.stdout.trim(), join(bin, tool)], { PATH: process.env.PATH ?? "" });
    }
    const r = await runEngine({
      env: {
        ...engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "nosqlite", OCB_KIND: "manual", OCB_SOURCES: `state=${state}` }),
        PATH: bin,
      },
      args: ["backup"],
    });
    assert.equal(r.code, ENGINE_EXIT_CODES.usage, r.stderr);
    assert.match(r.stderr, /refusing to copy a live database/);
    const objects = await rclone(s3, ["lsf", "-R", `store:${s3.bucket}/backups/acme/nosqlite/`]);
    assert.equal(objects.stdout.trim(), "", "nothing was uploaded");
  });

  it("takes SQLite copies from OCB_SQLITE_STAGING when given, and fails if one is missing", async () => {
    const state = join(work, "staging/state");
    await makeStateTree(state, join(work, "staging/ws"));
    const staging = join(work, "staging/sqlite");
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "staging",
      OCB_KIND: "manual",
      OCB_SOURCES: `state=${state}`,
      OCB_SQLITE_STAGING: staging,
    });
    const missing = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    assert.equal(missing.code, ENGINE_EXIT_CODES.usage, missing.stderr);
    assert.match(missing.stderr, /has no snapshot at .*sqlite-snapshot/);

    // What the init container (sqlite-snapshot.mjs) would have produced, made here with sqlite3.
    for (const rel of ["agents/main/agent/openclaw-agent.sqlite", "memory/main.sqlite"]) {
      mkdirSync(join(staging, "state", rel, ".."), { recursive: true });
      const made = await run("sqlite3", [join(state, rel), `VACUUM INTO '${join(staging, "state", rel)}'`], {
        PATH: process.env.PATH ?? "",
      });
      assert.equal(made.code, 0, made.stderr);
    }
    await run("sqlite3", [join(staging, "state/memory/main.sqlite"), "INSERT INTO chunks(text) VALUES('from staging')"], {
      PATH: process.env.PATH ?? "",
    });
    const ok = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(ok, 0, "backup from staging");
    const target = join(work, "staging/restored");
    expectExit(
      await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/staging/latest" }),
        args: ["restore"],
      }),
      0,
      "restore",
    );
    const rows = await run("sqlite3", [join(target, "memory/main.sqlite"), "SELECT count(*) FROM chunks WHERE text = 'from staging'"], {
      PATH: process.env.PATH ?? "",
    });
    assert.equal(rows.stdout.trim(), "1", "the staged copy, not the live file, was backed up");
  });

  it("a file the store refuses once is sent again alone: the rest is not uploaded twice, and unchanged files are referenced, never copied", async () => {
    const state = join(work, "refused/state");
    const workspace = join(work, "refused/workspace");
    await makeStateTree(state, workspace);
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "refused",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state} workspace=${workspace}`,
      OCB_PACK_BELOW_BYTES: "0",
    });
    /** Per pool object written by the backup at `stamp`: how many PUTs reached the server. */
    const putsPerKey = (stamp: string): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const r of s3.requests) {
        if (r.method !== "PUT" || !r.key.includes(`/pool/objects/${stamp}/`)) continue;
        counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
      }
      return counts;
    };
    const sha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
    try {
      const firstStamp = uniqueStamp();
      s3.resetCounters();
      const refusedKey = `/pool/objects/${firstStamp}/${sha(join(state, "openclaw.json"))}`;
      let refused = 0;
      s3.injectFault((r) => r.method === "PUT" && r.key.endsWith(refusedKey) && refused++ === 0);
      const first = await runEngine({ env: { ...env, OCB_NOW: firstStamp }, args: ["backup"] });
      expectExit(first, 0, "a backup with one refused upload");
      assert.equal(refused, 2, "the upload was refused once, then accepted on the next attempt");
      assert.match(first.stderr, /upload: attempt 2 of 3 for the 1 file\(s\) not stored yet/);
      const uploads = putsPerKey(firstStamp);
      assert.ok(uploads.size > 10, `the first backup uploads every distinct content (${uploads.size})`);
      for (const [key, count] of uploads) assert.equal(count, key.endsWith(refusedKey) ? 2 : 1, `PUTs of ${key}`);
      s3.injectFault(undefined);

      writeFileSync(join(workspace, "USER.md"), "# User\nName: Ada Lovelace\n");
      const secondStamp = uniqueStamp();
      s3.resetCounters();
      const second = await runEngine({ env: { ...env, OCB_NOW: secondStamp }, args: ["backup"] });
      expectExit(second, 0, "second backup");
      assert.deepEqual(
        [...putsPerKey(secondStamp).keys()].map((k) => k.split("/").pop()),
        [sha(join(workspace, "USER.md"))],
        "only the changed file is uploaded",
      );
      assert.equal(s3.requests.filter((r) => r.copy).length, 0, "no server-side copy");
      assert.ok(Number(eventOf(second, "backup.complete").reusedFiles) > 10, "unchanged files are referenced in the pool");
    } finally {
      s3.injectFault(undefined);
    }

    const target = join(work, "refused/restored");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}/state workspace=${target}/workspace`, OCB_RESTORE_FROM: "acme/refused/latest" }),
      args: ["restore"],
    });
    expectExit(restore, 0, "restore of the snapshot written through refusals");
    // node_modules is excluded by default (rebuildable).
    assert.deepEqual(
      diffTrees(
        readTree(workspace, (rel) => rel.includes("node_modules")),
        readTree(join(target, "workspace")),
      ),
      [],
    );
  });
});
