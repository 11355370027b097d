// Restore over existing data, from plain operator/KubeClaw folders, and from a container spec.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_ENTRYPOINT, ENGINE_ENV } from "../../components/builders/backup/engine";
import {
  commandFromContainer,
  engineEnv,
  envFromContainer,
  eventOf,
  expectExit,
  rclone,
  readManifest,
  runEngine,
  uniqueStamp,
  withStore,
} from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, isDefaultExcluded, makeStateTree, readTree, type Tree } from "../support/state-tree";

/** Content only: plain folders carry no permission bits. */
function withoutModes(tree: Tree): Tree {
  return new Map([...tree].map(([path, entry]) => [path, { ...entry, mode: 0 }]));
}

describe("backup engine: restore", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  engineSuite("restore", (server, dir) => {
    s3 = server;
    work = dir;
  });

  it("a restore over existing data moves it, intact, into .pre-restore-<time> (never deletes), then a second restore keeps both", async () => {
    const state = join(work, "over/state");
    await makeStateTree(state, join(work, "over/ws"));
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "over", OCB_KIND: "manual", OCB_SOURCES: `state=${state}` });
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "backup");

    const target = join(work, "over/target");
    mkdirSync(join(target, "agents/other/sessions"), { recursive: true });
    writeFileSync(join(target, "openclaw.json"), '{"newer":"config"}');
    writeFileSync(join(target, ".env"), "LOCAL=1\n");
    writeFileSync(join(target, "agents/other/sessions/today.jsonl"), '{"turn":1}\n');
    mkdirSync(join(target, "lost+found"));
    const existing = readTree(target, (rel) => rel.startsWith("lost+found"));

    const firstStamp = uniqueStamp();
    const first = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/over/manual/latest", OCB_NOW: firstStamp }),
      args: ["restore"],
    });
    expectExit(first, 0, "restore over existing data");
    const aside = join(target, `.pre-restore-${firstStamp}`);
    assert.deepEqual(diffTrees(existing, readTree(aside)), [], "the previous content is kept exactly");
    assert.ok(existsSync(join(target, "lost+found")), "lost+found stays where it is");
    const restored = readTree(target, (rel) => rel.startsWith(".pre-restore-") || rel.startsWith("lost+found") || rel.endsWith(".sqlite"));
    const expected = readTree(state, (rel) => isDefaultExcluded(rel) || rel.endsWith(".sqlite"));
    assert.deepEqual(diffTrees(expected, restored), []);
    assert.equal(eventOf(first, "restore.complete").preRestore, aside);

    const secondStamp = uniqueStamp();
    expectExit(
      await runEngine({
        env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/over/latest", OCB_NOW: secondStamp }),
        args: ["restore"],
      }),
      0,
      "second restore",
    );
    assert.deepEqual(diffTrees(existing, readTree(aside)), [], "the first .pre-restore folder is untouched");
    assert.deepEqual(
      readdirSync(target)
        .filter((n) => n.startsWith(".pre-restore-"))
        .sort(),
      [`.pre-restore-${firstStamp}`, `.pre-restore-${secondStamp}`],
    );
    assert.deepEqual(
      readdirSync(target).filter((n) => n.startsWith(".ocb-restore-")),
      [],
      "no staging left behind",
    );

    // The folders a restore set aside are never part of the next backup.
    const again = await runEngine({
      env: engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: "over",
        OCB_KIND: "manual",
        OCB_SOURCES: `state=${target}`,
        OCB_NOW: uniqueStamp(),
      }),
      args: ["backup"],
    });
    expectExit(again, 0, "backup of the restored target");
    const manifest = await readManifest(s3, String(eventOf(again, "backup.complete").snapshot));
    assert.ok(
      manifest.text.includes("\tstate/") && !manifest.text.includes(".pre-restore-"),
      "pre-restore folders are excluded from backups",
    );
  });

  for (const [style, folder] of [
    ["openclaw-operator", "backups/acme/legacy-bot/latest"],
    ["KubeClaw", "oc-acme/openclaw/2026-10-01T03-00-00Z"],
  ] as const) {
    it(`restores a plain ${style} folder (${folder}), verified with rclone check`, async () => {
      const plainSrc = join(work, `plain-${style}/src`);
      await makeStateTree(plainSrc, join(work, `plain-${style}/ws`));
      writeFileSync(join(plainSrc, "memory/main.sqlite-wal"), "the operator copied live WAL files; they come back as they are");
      const upload = await rclone(s3, ["copy", plainSrc, `store:${s3.bucket}/${folder}`]);
      assert.equal(upload.code, 0, upload.stderr);

      const target = join(work, `plain-${style}/target`);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, "stale.txt"), "from before the migration");
      const stamp = uniqueStamp();
      const restore = await runEngine({
        env: engineEnv(s3, {
          OCB_SOURCES: `state=${target} workspace=${join(work, `plain-${style}/unused`)}`,
          OCB_RESTORE_FROM: `plain:${folder}`,
          OCB_NOW: stamp,
        }),
        args: ["restore"],
      });
      expectExit(restore, 0, `plain ${style} restore`);
      assert.match(restore.stderr, /no manifest: verified with rclone check/);
      const files = (tree: Tree): Tree => new Map([...withoutModes(tree)].filter(([, e]) => e.type === "file"));
      assert.deepEqual(diffTrees(files(readTree(plainSrc)), files(readTree(target, (rel) => rel.startsWith(".pre-restore-")))), []);
      assert.ok(existsSync(join(target, `.pre-restore-${stamp}/stale.txt`)));
    });
  }

  it("files on both sides of the restore's size split (empty, 65,535 and 65,536 bytes) restore byte for byte", async () => {
    const state = join(work, "split/state");
    mkdirSync(join(state, "edge"), { recursive: true });
    for (const [name, size] of [
      ["empty", 0],
      ["below", 65_535],
      ["at", 65_536],
      ["above", 65_537],
    ] as const) {
      writeFileSync(join(state, "edge", name), randomBytes(size));
    }
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "split", OCB_KIND: "manual", OCB_SOURCES: `state=${state}` });
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "backup");
    const target = join(work, "split/target");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/split/latest" }),
      args: ["restore"],
    });
    expectExit(restore, 0, "restore");
    const restored = readTree(target);
    assert.deepEqual(diffTrees(readTree(state), restored), []);
    assert.deepEqual([...restored.keys()].sort(), ["edge", "edge/above", "edge/at", "edge/below", "edge/empty"]);
  });

  it("runs from a container spec as the CronJob/Job would render it (command, args, env with secret refs)", async () => {
    const state = join(work, "container/state");
    await makeStateTree(state, join(work, "container/ws"));
    // Shaped like a rendered backup container; only the store and mount paths are substituted.
    const container = {
      command: ["sh", `/opt/openclaw-backup/${ENGINE_ENTRYPOINT}`],
      args: ["backup"],
      env: [
        { name: ENGINE_ENV.storeType, value: "s3" },
        { name: ENGINE_ENV.storeProvider, value: "AWS" },
        { name: ENGINE_ENV.storeRegion, value: "eu-west-1" },
        { name: ENGINE_ENV.storeEnvAuth, value: "true" },
        { name: ENGINE_ENV.storeServerSideEncryption, value: "aws:kms" },
        { name: ENGINE_ENV.bucket, value: "fleet-prod-backups" },
        { name: ENGINE_ENV.prefix, value: "backups/" },
        { name: ENGINE_ENV.tenant, value: "acme" },
        { name: ENGINE_ENV.instance, value: "container" },
        { name: ENGINE_ENV.kind, value: "periodic" },
        { name: ENGINE_ENV.sources, value: `state=${state}` },
        { name: ENGINE_ENV.cryptPassword, valueFrom: { secretKeyRef: { name: "acme-backup-crypt", key: "password" } } },
      ],
    };
    const env = withStore(envFromContainer(container.env, { "acme-backup-crypt/password": "from a secret" }), s3);
    assert.equal(env[ENGINE_ENV.storeEnvAuth], undefined, "IRSA settings are replaced by the test store's keys");
    const result = await runEngine({
      command: commandFromContainer(container.command, "/opt/openclaw-backup"),
      args: container.args,
      env: { ...env, OCB_NOW: uniqueStamp() },
    });
    expectExit(result, 0, "backup from a container spec");
    assert.equal(eventOf(result, "backup.complete").encrypted, true);
    assert.match(String(eventOf(result, "backup.complete").snapshot), /^backups\/acme\/container\/periodic\/\d{8}T\d{6}Z$/);
  });
});
