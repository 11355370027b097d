// The rendered objects work: the CronJob's and the restore Job's containers, taken exactly as the
// program registers them (command, args, env, the engine ConfigMap's files), run against a real S3
// server. Only three things are translated for a host: the store endpoint (the in-cluster MinIO
// address becomes the local s3rver's), secretKeyRefs (read from the rendered Secrets, as the
// kubelet would) and mount paths (each volume becomes a temp dir).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restoreJobName } from "../../components/builders/backup/restore-job";
import { openclawRuntime } from "../../scripts/lib/openclaw-cli";
import { STATE_FOLDER } from "../../components/config/ports";
import { eventOf, expectExit, requireTools, run, runEngine } from "../support/engine-runner";
import { assertValidObject } from "../support/k8s-schema";
import { startS3Server, type S3Server } from "../support/s3server";
import { kubernetesObjects, runProgram } from "../support/stacks";
import { diffTrees, isDefaultExcluded, makeStateTree, readTree, sqlite, SqliteWriter } from "../support/state-tree";
import { hostMounts, mapPaths, resolveEnv } from "../support/pod-on-host";
import { backupStack, BUCKET, objectNamed, PASSPHRASE, podOf, type Container, type Manifest } from "./fixtures";

const MB = 1024 * 1024;

/** The container's env for the host: resolved, paths mapped, endpoint pointed at s3rver. Nothing added. */
function hostEnv(
  container: Container,
  secrets: readonly Manifest[],
  mounts: ReadonlyMap<string, string>,
  s3: S3Server,
): Record<string, string> {
  const env = resolveEnv(container, secrets);
  for (const [name, value] of Object.entries(env)) env[name] = mapPaths(value, mounts);
  if (env.RCLONE_CONFIG_STORE_ENDPOINT !== undefined) env.RCLONE_CONFIG_STORE_ENDPOINT = s3.endpoint;
  return env;
}

function hostCommand(container: Container, mounts: ReadonlyMap<string, string>): { command: string[]; args: string[] } {
  return {
    command: (container.command ?? []).map((a) => mapPaths(a, mounts)),
    args: (container.args ?? []).map((a) => mapPaths(a, mounts)),
  };
}

/**
 * `node` for the init container. It runs on the app image, so on the Node of the pinned OpenClaw
 * release (24): the Node 24 binary npm installs for the OpenClaw tests (optional dependency
 * `node24`), never a stand-in.
 */
function appImageNode(): string[] {
  return [openclawRuntime().node];
}

describe("rendered CronJob and restore Job on a real S3 server", function () {
  this.timeout(240_000);
  let s3: S3Server;
  let work: string;
  let objects: Manifest[];

  before(async function () {
    this.timeout(300_000);
    await requireTools();
    objects = kubernetesObjects(await runProgram(backupStack({ restoreFrom: { instance: "bot", kind: "periodic" } })));
    for (const object of objects) assertValidObject(object);
    s3 = await startS3Server({ bucket: BUCKET });
    work = mkdtempSync(join(tmpdir(), "ocb-rendered-"));
  });

  after(async () => {
    await s3?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("backs up with the CronJob's containers and restores with the restore Job's, byte for byte", async () => {
    const secrets = objects.filter((o) => o.kind === "Secret");
    const engine = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "openclaw-backup-engine");
    assert.ok(engine !== undefined, "the engine ConfigMap is rendered");
    const cronJob = objectNamed(objects, "CronJob", "bot-backup");
    const restoreJob = objectNamed(objects, "Job", restoreJobName("bot", "acme/bot/periodic/latest"));

    // The engine ConfigMap, as the kubelet would project it (files are what the pods run).
    const engineDir = join(work, "engine");
    mkdirSync(engineDir);
    for (const [file, text] of Object.entries(engine.data as Record<string, string>)) writeFileSync(join(engineDir, file), text);

    // Backup pod: every volume a host dir; the claim is the instance's state volume, the state in its folder.
    const backupPod = podOf(cronJob);
    const volumeDir = join(work, "volume-state");
    const state = join(volumeDir, STATE_FOLDER);
    const workspace = join(state, "workspace");
    await makeStateTree(state, workspace, { bigFileBytes: 4 * MB });
    const backupDirs = new Map<string, string>();
    for (const volume of backupPod.volumes) {
      const dir =
        volume.configMap !== undefined
          ? engineDir
          : volume.persistentVolumeClaim !== undefined
            ? volumeDir
            : join(work, `backup-${volume.name}`);
      mkdirSync(dir, { recursive: true });
      backupDirs.set(volume.name, dir);
    }

    const liveDb = join(state, "state/openclaw.sqlite");
    mkdirSync(join(state, "state"), { recursive: true });
    const writer = new SqliteWriter(liveDb);
    let committedBefore = 0;
    try {
      await writer.firstCommit();
      committedBefore = await writer.committed();
      assert.ok(committedBefore > 0, "the app committed rows before the backup");

      // Init container first, then the engine: the order the kubelet runs them in.
      const [init] = backupPod.initContainers ?? [];
      assert.equal(init?.name, "sqlite-snapshot");
      const initMounts = hostMounts(init, backupDirs);
      const initCommand = hostCommand(init, initMounts);
      const [nodeBinary, ...initArgs] = [...initCommand.command, ...initCommand.args];
      assert.equal(nodeBinary, "node", "the init container runs node from the app image");
      const node = appImageNode();
      const [nodePath, ...nodeArgs] = node;
      assert.ok(nodePath !== undefined, "the app image's node command");
      const snap = await run(
        nodePath,
        [...nodeArgs, ...initArgs],
        { PATH: process.env.PATH ?? "", ...hostEnv(init, secrets, initMounts, s3) },
        { timeoutMs: 60_000 },
      );
      assert.equal(snap.code, 0, `sqlite-snapshot failed:\n${snap.stderr}`);
      assert.match(snap.stderr, /database\(s\) captured/);

      const [container] = backupPod.containers;
      assert.ok(container, "the backup pod has a container");
      const mounts = hostMounts(container, backupDirs);
      const env = hostEnv(container, secrets, mounts, s3);
      assert.equal(env.OCB_BUCKET, BUCKET);
      assert.equal(env.OCB_CRYPT_PASSWORD, PASSPHRASE, "the passphrase comes from the rendered Secret");
      const backup = await runEngine({ ...hostCommand(container, mounts), env, timeoutMs: 120_000 });
      expectExit(backup, 0, "backup with the CronJob's container");
      const done = eventOf(backup, "backup.complete");
      assert.match(String(done.snapshot), /^backups\/acme\/bot\/periodic\/\d{8}T\d{6}Z$/);
      assert.equal(done.encrypted, true);
    } finally {
      await writer.stop();
    }

    // Nothing readable under the snapshot but its folder names: names and bytes are encrypted.
    const keys = s3.events.filter((e) => e.type === "Put" || e.type === "Post" || e.type === "Copy").map((e) => e.key);
    assert.ok(keys.length > 0);
    for (const key of keys) assert.ok(!/openclaw\.json|sessions|AGENTS\.md|manifest\.tsv/.test(key), `plain name in the store: ${key}`);

    // Restore pod: a fresh, empty claim.
    const restorePod = podOf(restoreJob);
    assert.equal(restorePod.initContainers, undefined);
    const restoredVolume = join(work, "volume-restored");
    const restored = join(restoredVolume, STATE_FOLDER);
    const restoreDirs = new Map<string, string>();
    for (const volume of restorePod.volumes) {
      const dir =
        volume.configMap !== undefined
          ? engineDir
          : volume.persistentVolumeClaim !== undefined
            ? restoredVolume
            : join(work, `restore-${volume.name}`);
      mkdirSync(dir, { recursive: true });
      restoreDirs.set(volume.name, dir);
    }
    const [container] = restorePod.containers;
    assert.ok(container, "the restore pod has a container");
    const mounts = hostMounts(container, restoreDirs);
    const env = hostEnv(container, secrets, mounts, s3);
    assert.equal(env.OCB_RESTORE_FROM, "acme/bot/periodic/latest");
    const restore = await runEngine({ ...hostCommand(container, mounts), env, timeoutMs: 120_000 });
    expectExit(restore, 0, "restore with the Job's container");
    eventOf(restore, "restore.complete");

    // Byte for byte (and mode for mode), except what the excludes leave out and SQLite files,
    // whose consistent copies are checked by content below.
    const notSqlite = (rel: string) => isDefaultExcluded(rel) || /\.sqlite$/.test(rel);
    assert.deepEqual(diffTrees(readTree(state, notSqlite), readTree(restored, notSqlite)), []);
    assert.deepEqual(
      readdirSync(restoredVolume),
      [STATE_FOLDER],
      "an empty volume needs no moving aside; the state lands in the state folder",
    );
    const restoredDb = join(restored, "state/openclaw.sqlite");
    assert.equal(await sqlite(restoredDb, "PRAGMA integrity_check;"), "ok");
    const rows = Number(await sqlite(restoredDb, "SELECT count(*) FROM events WHERE id <= " + committedBefore + ";"));
    assert.equal(rows, committedBefore, "every row committed before the backup began is restored");
    assert.equal(await sqlite(join(restored, "agents/main/agent/openclaw-agent.sqlite"), "SELECT v FROM kv WHERE k = 'model';"), "claude");
  });
});
