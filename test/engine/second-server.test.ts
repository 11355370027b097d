// The data path on a second S3 implementation: moto, with IAM enforced (every request signed with
// SigV4 by the one key moto knows), in a plain bucket and in an Object Lock bucket whose default
// retention makes every upload carry a checksum. The whole engine suite can run on moto with
// OCB_TEST_S3=moto; this file runs what differs between servers on every `npm test`.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_EXIT_CODES } from "../../components/builders/backup/engine";
import { engineEnv, eventOf, expectExit, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, makeStateTree, readTree } from "../support/state-tree";
import { diffExactTrees, makeTortureTree, readExactTree } from "../support/torture-tree";

const MB = 1024 * 1024;
const liveOnly = (p: string): boolean =>
  /(^|\/)(logs|tmp|npm|\.cache|node_modules)(\/|$)|\.(sock|pid)$|-(wal|shm)$/.test(p) || p.endsWith(".sqlite");

for (const objectLock of [false, true]) {
  describe(`backup engine on moto (SigV4 checked${objectLock ? ", Object Lock bucket with default retention" : ""})`, function () {
    this.timeout(600_000);
    let s3: S3Server;
    let work: string;

    engineSuite(
      objectLock ? "moto-lock" : "moto",
      (server, dir) => {
        s3 = server;
        work = dir;
      },
      { server: "moto", objectLock },
    );

    // Encrypted uploads differ from plain ones where checksums matter (crypt streams have no MD5 of
    // their own), so the encrypted run is on the Object Lock bucket; names differ by server key
    // encoding, not by bucket, so the torture tree and the signature check run on the plain one.
    for (const encrypted of objectLock ? [false, true] : [false]) {
      it(`${encrypted ? "encrypted" : "plain"}: full, incremental and no-change backups, verify, restore byte for byte, prune with pool garbage collection`, async () => {
        const name = `${encrypted ? "enc" : "plain"}`;
        const state = join(work, name, "state");
        await makeStateTree(state, join(work, name, "ws"), { bigFileBytes: 6 * MB });
        const env = engineEnv(s3, {
          OCB_TENANT: "acme",
          OCB_INSTANCE: name,
          OCB_SOURCES: `state=${state}`,
          OCB_RETENTION_KEEP_LAST: "2",
          ...(encrypted ? { OCB_CRYPT_PASSWORD: "moto-pass" } : {}),
        });
        const stamps: string[] = [];
        for (let i = 0; i < 4; i++) {
          if (i === 1) writeFileSync(join(state, "openclaw.json"), '{"changed":1}\n');
          if (i === 2) writeFileSync(join(state, "media-new.bin"), Buffer.alloc(2 * MB, 7));
          const stamp = uniqueStamp();
          stamps.push(stamp);
          const r = await runEngine({ env: { ...env, OCB_KIND: "periodic", OCB_NOW: stamp }, args: ["backup"] });
          expectExit(r, 0, `backup ${i}`);
          if (i > 0) assert.ok(Number(eventOf(r, "backup.complete").reusedFiles) > 0, "unchanged files are referenced in the pool");
          if (i === 3) assert.equal(Number(eventOf(r, "backup.complete").uploadedFiles), 0, "the no-change backup uploads nothing");
        }
        const list = await runEngine({ env, args: ["list"] });
        expectExit(list, 0, "list");
        assert.equal(list.stdout.trim().split("\n").length - 1, 2, `keep_last=2 leaves two snapshots:\n${list.stdout}`);
        expectExit(await runEngine({ env, args: ["verify", `acme/${name}/latest`] }), 0, "verify");
        const dst = join(work, name, "dst");
        const restore = await runEngine({
          env: { ...env, OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: `acme/${name}/latest`, OCB_NOW: uniqueStamp() },
          args: ["restore"],
        });
        expectExit(restore, 0, "restore");
        assert.deepEqual(
          diffTrees(
            readTree(state, liveOnly),
            readTree(dst, (p) => p.endsWith(".sqlite")),
          ),
          [],
        );
      });
    }

    if (objectLock) return;

    it("the torture tree of names and entry types round-trips through this server's key encoding", async () => {
      const src = join(work, "torture-src");
      mkdirSync(src, { recursive: true });
      const tree = await makeTortureTree(src);
      const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "torture", OCB_SOURCES: `state=${src}`, OCB_EXCLUDES: "" });
      let expected;
      try {
        expectExit(
          await runEngine({
            env: { ...env, OCB_KIND: "manual", OCB_NOW: uniqueStamp() },
            args: ["backup"],
            busybox: true,
            timeoutMs: 300_000,
          }),
          0,
          "backup",
        );
        expected = readExactTree(src, (rel) => tree.sockets.some((s) => s.equals(rel)));
      } finally {
        await tree.close();
      }
      const dst = join(work, "torture-dst");
      const restore = await runEngine({
        env: { ...env, OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: "acme/torture/latest", OCB_NOW: uniqueStamp() },
        args: ["restore"],
        busybox: true,
        timeoutMs: 300_000,
      });
      expectExit(restore, 0, "restore");
      assert.deepEqual(diffExactTrees(expected, readExactTree(dst)), []);
    });

    it("a request signed with the wrong secret is refused by the server and is exit 3", async () => {
      const state = join(work, "badsig");
      mkdirSync(state, { recursive: true });
      writeFileSync(join(state, "a.txt"), "a\n");
      const env = engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: "badsig",
        OCB_KIND: "manual",
        OCB_SOURCES: `state=${state}`,
        OCB_RCLONE_RETRIES: "1",
        OCB_RCLONE_LOW_LEVEL_RETRIES: "1",
      });
      const r = await runEngine({
        env: { ...env, RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: `${s3.secretAccessKey}x`, OCB_NOW: uniqueStamp() },
        args: ["backup"],
      });
      assert.equal(r.code, ENGINE_EXIT_CODES.store, r.stderr);
      assert.match(r.stderr, /SignatureDoesNotMatch|InvalidAccessKeyId|403/);
    });
  });
}
