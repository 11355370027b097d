// A damaged manifest is a verification failure (exit 5), never an outage (exit 3), and never
// blocks later backups: the base is the newest snapshot whose manifest can be read. The engine's
// own name checks hold without any help from config validation.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_EXIT_CODES } from "../../components/builders/backup/engine";
import { engineEnv, eventOf, expectExit, rclone, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, makeStateTree, readTree } from "../support/state-tree";

describe("backup engine: damaged manifests and hostile names", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  // On s3rver whatever OCB_TEST_S3 says: these cases use its hooks (faults, its disk, its counters).
  engineSuite(
    "damage",
    (server, dir) => {
      s3 = server;
      work = dir;
    },
    { server: "s3rver" },
  );

  /** The stored object holding a snapshot's manifest (its encrypted name under crypt). */
  async function manifestKey(snapshot: string): Promise<string> {
    const listing = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/${snapshot}/`]);
    assert.equal(listing.code, 0, listing.stderr);
    const keys = listing.stdout.split("\n").filter(Boolean);
    if (keys.includes("manifest.tsv")) return `${snapshot}/manifest.tsv`;
    // Encrypted: the only object directly under encrypted/ (data/ and packs/ are folders).
    const top = keys.filter((k) => k.startsWith("encrypted/") && k.split("/").length === 2);
    assert.equal(top.length, 1, `one encrypted top-level object: ${top.join(", ")}`);
    return `${snapshot}/${top[0]!}`;
  }

  function flipBytes(key: string): void {
    const file = s3.objectFile(key);
    const bytes = readFileSync(file);
    for (let i = 40; i < Math.min(bytes.length, 60); i++) bytes[i] = bytes[i]! ^ 0x5a;
    writeFileSync(file, bytes);
  }

  for (const encrypted of [false, true]) {
    it(`${encrypted ? "encrypted" : "plain"}: a manifest with flipped bytes is exit 5 for restore and verify, and later backups of every kind base on the older snapshot`, async () => {
      const name = encrypted ? "dmg-enc" : "dmg-plain";
      const state = join(work, name, "state");
      await makeStateTree(state, join(work, name, "ws"));
      const env = engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: name,
        OCB_SOURCES: `state=${state}`,
        ...(encrypted ? { OCB_CRYPT_PASSWORD: "damage-pass" } : {}),
      });
      const first = await runEngine({ env: { ...env, OCB_KIND: "periodic", OCB_NOW: uniqueStamp() }, args: ["backup"] });
      expectExit(first, 0, "first backup");
      const older = String(eventOf(first, "backup.complete").snapshot);
      writeFileSync(join(state, "openclaw.json"), '{"changed":true}\n');
      const second = await runEngine({ env: { ...env, OCB_KIND: "periodic", OCB_NOW: uniqueStamp() }, args: ["backup"] });
      expectExit(second, 0, "second backup");
      const damaged = String(eventOf(second, "backup.complete").snapshot);
      flipBytes(await manifestKey(damaged));

      const target = join(work, name, "target");
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, "current.txt"), "current data\n");
      const before = readTree(target);
      const restore = await runEngine({
        env: { ...env, OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: damaged, OCB_NOW: uniqueStamp() },
        args: ["restore"],
      });
      assert.equal(restore.code, ENGINE_EXIT_CODES.verification, `restore of a damaged manifest is exit 5:\n${restore.stderr}`);
      assert.match(restore.stderr, /manifest of .* is damaged/);
      assert.deepEqual(diffTrees(before, readTree(target)), [], "the target is untouched");
      const verify = await runEngine({ env, args: ["verify", damaged] });
      assert.equal(verify.code, ENGINE_EXIT_CODES.verification, `verify of a damaged manifest is exit 5:\n${verify.stderr}`);

      // Later backups, manual and periodic, pass over it to the older snapshot; the manual one's
      // manifest is damaged in turn, so the periodic one passes over two.
      for (const kind of ["manual", "periodic"]) {
        writeFileSync(join(state, `after-${kind}.txt`), `${kind}\n`);
        const later = await runEngine({ env: { ...env, OCB_KIND: kind, OCB_NOW: uniqueStamp() }, args: ["backup"] });
        expectExit(later, 0, `${kind} backup after the damage`);
        assert.match(later.stderr, /cannot read a valid manifest of .*trying an older snapshot/);
        assert.equal(eventOf(later, "backup.complete").base, older, `the ${kind} backup is based on the older snapshot`);
        if (kind === "manual") flipBytes(await manifestKey(String(eventOf(later, "backup.complete").snapshot)));
      }
      const fresh = join(work, name, "fresh");
      const latest = await runEngine({
        env: { ...env, OCB_SOURCES: `state=${fresh}`, OCB_RESTORE_FROM: `acme/${name}/latest`, OCB_NOW: uniqueStamp() },
        args: ["restore"],
      });
      expectExit(latest, 0, "restore of the newest snapshot");
      assert.equal(readFileSync(join(fresh, "openclaw.json"), "utf8"), '{"changed":true}\n');
      assert.equal(readFileSync(join(fresh, "after-periodic.txt"), "utf8"), "periodic\n");
      assert.deepEqual(
        diffTrees(
          readTree(
            state,
            (p) => /(^|\/)(logs|tmp|npm|\.cache|node_modules)(\/|$)|\.(sock|pid)$|-(wal|shm)$/.test(p) || p.endsWith(".sqlite"),
          ),
          readTree(fresh, (p) => p.endsWith(".sqlite")),
        ),
        [],
      );
    });
  }

  it("names spanning lines or leaving their prefix are refused by the engine itself (exit 2), and nothing is written", async () => {
    const state = join(work, "hostile/state");
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "a.txt"), "a\n");
    const base = { OCB_TENANT: "acme", OCB_INSTANCE: "bot", OCB_KIND: "manual", OCB_SOURCES: `state=${state}` };
    const cases: Record<string, string>[] = [
      { OCB_TENANT: "acme\nother" },
      { OCB_TENANT: "other\nacme" },
      { OCB_INSTANCE: "bot\n../../other/bot" },
      { OCB_INSTANCE: "bot/../../other" },
      { OCB_INSTANCE: ".." },
      { OCB_INSTANCE: "bot\r" },
      { OCB_TENANT: "x".repeat(64) },
      { OCB_PREFIX: "backups\n../other" },
      { OCB_PREFIX: "backups/../other" },
      { OCB_NOW: "20261122T035012Z\n../../x" },
      { OCB_RETENTION_KEEP_LAST: "3\n4" },
      { OCB_BUCKET: `${s3.bucket}\nother` },
    ];
    s3.resetCounters();
    for (const values of cases) {
      const r = await runEngine({ env: engineEnv(s3, { ...base, ...values }), args: ["backup"] });
      assert.equal(r.code, ENGINE_EXIT_CODES.usage, `${JSON.stringify(values)} must be refused:\n${r.stderr}`);
    }
    for (const from of ["acme/bot\n/../other/bot/latest", "acme\n/bot/latest", "plain:backups\n/../x"]) {
      const r = await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${join(work, "hostile/dst")}`, OCB_RESTORE_FROM: from }),
        args: ["restore"],
      });
      assert.equal(r.code, ENGINE_EXIT_CODES.usage, `restore from ${JSON.stringify(from)} must be refused:\n${r.stderr}`);
    }
    assert.deepEqual(
      s3.events.filter((e) => e.type !== "Delete"),
      [],
      "nothing was written to the store",
    );
  });
});
