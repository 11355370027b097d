// Retention per instance and kind, by count and by age; incomplete snapshots are invisible and
// cleaned up after the grace period. Times are fixed through OCB_NOW, so the test is exact.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, rclone, requireTools, runEngine, utcStamp } from "../support/engine-runner";
import { startS3Server, type S3Server } from "../support/s3server";
import { makeStateTree } from "../support/state-tree";

const NOW = new Date("2026-11-01T12:00:00Z");
const ago = (hours: number): string => utcStamp(new Date(NOW.getTime() - hours * 3600_000));
const days = (n: number): number => n * 24;

describe("backup engine: retention and incomplete snapshots", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;
  let env: Record<string, string>;
  const base = "backups/acme/ret";

  before(async function () {
    this.timeout(300_000);
    await requireTools();
    s3 = await startS3Server();
    work = mkdtempSync(join(tmpdir(), "ocb-retention-"));
    const state = join(work, "state");
    await makeStateTree(state, join(work, "workspace"));
    env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "ret", OCB_SOURCES: `state=${state}`, OCB_PRUNE_AFTER_BACKUP: "false" });
  });

  after(async () => {
    await s3?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function snapshotFolders(): Promise<string[]> {
    const r = await rclone(s3, ["lsf", "-R", "--files-only", `store:${s3.bucket}/${base}/`]);
    assert.equal(r.code, 0, r.stderr);
    // Snapshot folders only: the pool and locks are the instance's, not a snapshot's.
    const folders = r.stdout.split("\n").filter((k) => k !== "" && !k.startsWith("pool/") && !k.startsWith("locks/"));
    return [...new Set(folders.map((k) => k.split("/").slice(0, 2).join("/")))].sort();
  }

  async function listed(): Promise<string[]> {
    const r = await runEngine({ env, args: ["list"] });
    expectExit(r, 0, "list");
    return r.stdout
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => `${l.split("\t")[1]}/${l.split("\t")[0]}`)
      .sort();
  }

  /** Leftover of a backup that died mid-upload: data but no marker. */
  async function incomplete(kind: string, stamp: string): Promise<string> {
    const file = join(work, "partial.bin");
    writeFileSync(file, "partial upload");
    const r = await rclone(s3, ["copyto", file, `store:${s3.bucket}/${base}/${kind}/${stamp}/data/state/partial.bin`]);
    assert.equal(r.code, 0, r.stderr);
    return `${kind}/${stamp}`;
  }

  it("list shows complete snapshots only; prune deletes exactly what is beyond the count or the age, per kind, keeping the newest", async () => {
    const complete: Record<string, number[]> = {
      periodic: [days(40), days(20), days(6), days(4), days(3), days(2), days(1)],
      manual: [days(60)],
      "pre-update": [days(50), days(45)],
    };
    for (const [kind, ages] of Object.entries(complete)) {
      for (const age of ages) {
        const r = await runEngine({ env: { ...env, OCB_KIND: kind, OCB_NOW: ago(age) }, args: ["backup"] });
        expectExit(r, 0, `backup ${kind} ${age}h ago`);
      }
    }
    const staleIncomplete = await incomplete("periodic", ago(10));
    const staleOrphan = await incomplete("pre-delete", ago(days(3)));
    const freshIncomplete = await incomplete("pre-delete", ago(1));

    const allComplete = Object.entries(complete)
      .flatMap(([kind, ages]) => ages.map((a) => `${kind}/${ago(a)}`))
      .sort();
    assert.deepEqual(await listed(), allComplete, "list ignores incomplete snapshots");
    const restoreLatest = await runEngine({
      env: { ...env, OCB_SOURCES: `state=${join(work, "r0")}`, OCB_RESTORE_FROM: "acme/ret/latest" },
      args: ["restore"],
    });
    expectExit(restoreLatest, 0, "restore latest");
    assert.equal(
      eventOf(restoreLatest, "restore.complete").snapshot,
      `${base}/periodic/${ago(days(1))}`,
      "latest skips the newer incomplete ones",
    );

    const prune = await runEngine({
      env: {
        ...env,
        OCB_NOW: utcStamp(NOW),
        OCB_RETENTION_KEEP_LAST: "5",
        OCB_RETENTION_MAX_AGE_DAYS: "5",
        OCB_INCOMPLETE_GRACE_HOURS: "6",
      },
      args: ["prune"],
    });
    expectExit(prune, 0, "prune");
    const kept = [
      `periodic/${ago(days(4))}`,
      `periodic/${ago(days(3))}`,
      `periodic/${ago(days(2))}`,
      `periodic/${ago(days(1))}`,
      `manual/${ago(days(60))}`, // newest of its kind: kept whatever its age
      `pre-update/${ago(days(45))}`, // idem
    ].sort();
    assert.deepEqual(await listed(), kept);
    assert.deepEqual(await snapshotFolders(), [...kept, freshIncomplete].sort(), "stale incomplete snapshots are gone, a young one stays");
    assert.match(prune.stderr, new RegExp(`periodic/${ago(days(6))} \\(older-than-max-age\\)`));
    assert.match(prune.stderr, new RegExp(`periodic/${ago(days(20))} \\(beyond-keep-last\\)`));
    assert.match(prune.stderr, new RegExp(`periodic/${ago(days(40))} \\(beyond-keep-last\\)`));
    assert.match(prune.stderr, new RegExp(`pre-update/${ago(days(50))} \\(older-than-max-age\\)`));
    assert.match(prune.stderr, new RegExp(`${staleIncomplete} \\(incomplete-older-than-grace\\)`));
    assert.match(prune.stderr, new RegExp(`${staleOrphan} \\(incomplete-older-than-grace\\)`));
    const summary = eventOf(prune, "prune.complete");
    assert.equal(summary.deletedComplete, 4);
    assert.equal(summary.deletedIncomplete, 2);

    // A successful backup prunes on its own; keep-last 2 leaves the two newest periodic snapshots.
    const backup = await runEngine({
      env: { ...env, OCB_KIND: "periodic", OCB_NOW: utcStamp(NOW), OCB_PRUNE_AFTER_BACKUP: "true", OCB_RETENTION_KEEP_LAST: "2" },
      args: ["backup"],
    });
    expectExit(backup, 0, "backup with prune");
    assert.deepEqual(
      (await listed()).filter((s) => s.startsWith("periodic/")),
      [`periodic/${ago(days(1))}`, `periodic/${utcStamp(NOW)}`],
    );
    // What is left still restores, and verifies byte for byte.
    expectExit(await runEngine({ env, args: ["verify", `acme/ret/periodic/${ago(days(1))}`] }), 0, "verify a kept snapshot");
  });

  it("never deletes the only snapshot, even with keep-last 1 and max age 1 day long past", async () => {
    const only = { ...env, OCB_INSTANCE: "only", OCB_KIND: "pre-delete" };
    expectExit(await runEngine({ env: { ...only, OCB_NOW: ago(days(400)) }, args: ["backup"] }), 0, "old backup");
    const prune = await runEngine({
      env: { ...only, OCB_NOW: utcStamp(NOW), OCB_RETENTION_KEEP_LAST: "1", OCB_RETENTION_MAX_AGE_DAYS: "1" },
      args: ["prune"],
    });
    expectExit(prune, 0, "prune");
    const list = await runEngine({ env: only, args: ["list"] });
    assert.match(list.stdout, new RegExp(`pre-delete/${ago(days(400))}`));
  });
});
