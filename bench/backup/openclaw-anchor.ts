// The anchor: OpenClaw's own backup (`openclaw backup create --verify`, the archive uploaded as
// one object; `openclaw backup restore` into an empty directory) side by side with the engine,
// on the same real state: the pinned OpenClaw's gateway running on an instance's state volume,
// with an agent and a session made by its CLI, plus a generated workspace of `scale` size. Both
// back up hot, twice (the second time with nothing changed but what the running gateway writes),
// and restore the newest backup. Times are wall clock; bytes are what the S3 server received and
// what it holds afterwards.
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_ENTRYPOINT, SQLITE_SNAPSHOT_SCRIPT } from "../../components/builders/backup/engine";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { openclawRuntime, runBounded } from "../../scripts/lib/openclaw-cli";
import { run } from "../../test/support/engine-runner";
import {
  hostVolumes,
  podRoot,
  requirePodMounts,
  renderPod,
  runInitContainer,
  startGateway,
  type Gateway,
} from "../../test/support/openclaw-pod";
import { startS3Server } from "../../test/support/s3server";
import { formatBytes, formatMs } from "../lib/stats";
import type { Table } from "../lib/table";
import { generateState } from "./state";
import { metered, prefixUsage, rcloneEnv, rcloneOk, type Transfer } from "./store";

export interface AnchorOptions {
  /** Size of the generated workspace content (1 = ~200 MB), on top of what the gateway writes. */
  readonly scale: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export type AnchorId = "engine" | "openclawBackup";

export interface AnchorRow {
  readonly first: Transfer;
  readonly second: Transfer;
  readonly stored: { readonly objects: number; readonly bytes: number };
  readonly restoreMs: number;
  /** Bytes of regular files in the restored directory. */
  readonly restoredBytes: number;
}

export interface AnchorResults {
  readonly openclaw: string;
  readonly state: { readonly bytes: number; readonly files: number; readonly cacheBytes: number };
  readonly rows: Record<AnchorId, AnchorRow>;
}

const TIMEOUT_MS = 1_800_000;

function treeSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = treeSize(path);
      bytes += sub.bytes;
      files += sub.files;
    } else if (entry.isFile()) {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

async function ok(what: string, result: Promise<{ code: number | null; stdout: string; stderr: string }>): Promise<string> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
  return r.stdout;
}

export async function runOpenClawAnchor(options: AnchorOptions): Promise<{ results: AnchorResults; tables: Table[] }> {
  const { log } = options;
  await requirePodMounts();
  const scratch = podRoot("openclaw-anchor-");
  const s3 = await startS3Server();
  let gateway: Gateway | undefined;
  try {
    const home = join(scratch, "rclone-home");
    mkdirSync(home);
    const rendered = await renderPod({ image: { tag: OPENCLAW_VERSION } });
    const volumes = hostVolumes(rendered, join(scratch, "pod"));
    const stateDir = volumes.get("state") ?? "";
    await ok("init-config", runInitContainer(rendered, "init-config", volumes));
    log(`  openclaw anchor: starting the gateway of OpenClaw ${OPENCLAW_VERSION} …`);
    gateway = await startGateway(rendered, volumes);
    const gw = gateway;
    await ok("agents add", gw.cli(["agents", "add", "research", "--non-interactive", "--role", "researcher", "--json"]));
    await gw.cli(["agent", "--agent", "main", "--session-key", "bench", "-m", "hello", "--timeout", "20", "--json"]);
    log(`  openclaw anchor: generating workspace content (scale ${options.scale}) …`);
    await generateState(join(stateDir, "workspace", "generated"), { scale: options.scale, seed: options.seed });
    const size = treeSize(stateDir);
    const cacheBytes = treeSize(join(stateDir, "cache")).bytes;
    log(`  openclaw anchor: state ${formatBytes(size.bytes)} in ${size.files} files, of which cache/ ${formatBytes(cacheBytes)}`);

    const rclone = rcloneEnv(s3, home);
    const engineEnv = (extra: Record<string, string>) => ({
      ...rclone,
      TMPDIR: scratch,
      OCB_BUCKET: s3.bucket,
      OCB_TENANT: "bench",
      OCB_INSTANCE: "anchor",
      OCB_PRUNE_AFTER_BACKUP: "false",
      ...extra,
    });
    const engineBackup = async (n: number) => {
      const staging = join(scratch, `sqlite-staging-${n}`);
      const sources = `state=${stateDir}`;
      // As the backup pod runs it: the SQLite init container (app image's Node), then the engine.
      await ok(
        "sqlite-snapshot",
        runBounded(
          openclawRuntime().node,
          [join(ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT)],
          { PATH: process.env.PATH ?? "", OCB_SOURCES: sources, OCB_SQLITE_STAGING: staging },
          TIMEOUT_MS,
        ),
      );
      await ok(
        "engine backup",
        run(
          "sh",
          [join(ENGINE_DIR, ENGINE_ENTRYPOINT), "backup"],
          engineEnv({ OCB_KIND: "manual", OCB_SOURCES: sources, OCB_SQLITE_STAGING: staging, OCB_WORK_DIR: join(scratch, `work-${n}`) }),
          { timeoutMs: TIMEOUT_MS },
        ),
      );
      rmSync(staging, { recursive: true, force: true });
    };
    const archives = join(scratch, "archives");
    mkdirSync(archives);
    let newestArchive = "";
    const openclawBackup = async () => {
      const out = await ok(
        "openclaw backup create --verify",
        gw.cli(["backup", "create", "--verify", "--json", "--output", archives], undefined, TIMEOUT_MS),
      );
      const archive = (JSON.parse(out) as { archivePath: string }).archivePath;
      newestArchive = archive.split("/").pop() ?? "";
      await rcloneOk(s3, home, ["copyto", archive, `store:${s3.bucket}/openclaw-backup/${newestArchive}`], TIMEOUT_MS);
      rmSync(archive);
    };

    const rows = {} as Record<AnchorId, AnchorRow>;
    for (const id of ["engine", "openclawBackup"] as const) {
      const backup = id === "engine" ? engineBackup : openclawBackup;
      const first = await metered(s3, () => backup(1));
      log(`  openclaw anchor: ${id} first backup ${formatMs(first.wallMs)}, uploaded ${formatBytes(first.uploadedBytes)}`);
      const second = await metered(s3, () => backup(2));
      log(`  openclaw anchor: ${id} second backup ${formatMs(second.wallMs)}, uploaded ${formatBytes(second.uploadedBytes)}`);
      const stored = await prefixUsage(s3, home, id === "engine" ? "backups/bench/anchor" : "openclaw-backup");
      const target = join(scratch, `restore-${id}`);
      mkdirSync(target);
      const started = performance.now();
      if (id === "engine") {
        await ok(
          "engine restore",
          run(
            "sh",
            [join(ENGINE_DIR, ENGINE_ENTRYPOINT), "restore"],
            engineEnv({
              OCB_SOURCES: `state=${target}`,
              OCB_RESTORE_FROM: "bench/anchor/latest",
              OCB_RESTORE_UID: "0",
              OCB_RESTORE_GID: "0",
              OCB_WORK_DIR: join(scratch, "work-restore"),
            }),
            { timeoutMs: TIMEOUT_MS },
          ),
        );
      } else {
        const local = join(scratch, "download", newestArchive);
        await rcloneOk(s3, home, ["copyto", `store:${s3.bucket}/openclaw-backup/${newestArchive}`, local], TIMEOUT_MS);
        rmSync(target, { recursive: true });
        await ok("openclaw backup restore", gw.cli(["backup", "restore", local, "--target", target, "--json"], undefined, TIMEOUT_MS));
      }
      const restoreMs = performance.now() - started;
      const restoredBytes = treeSize(target).bytes;
      log(`  openclaw anchor: ${id} restore ${formatMs(restoreMs)} (${formatBytes(restoredBytes)})`);
      rows[id] = { first, second, stored, restoreMs, restoredBytes };
      rmSync(target, { recursive: true, force: true });
    }
    const results: AnchorResults = { openclaw: OPENCLAW_VERSION, state: { ...size, cacheBytes }, rows };
    return { results, tables: [anchorTable(results)] };
  } finally {
    await gateway?.stop();
    await s3.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function anchorTable(r: AnchorResults): Table {
  const label: Record<AnchorId, string> = {
    engine: "openclaw-backup engine (hot, incremental)",
    openclawBackup: `openclaw backup create --verify + upload (OpenClaw ${r.openclaw})`,
  };
  return {
    title: `Against OpenClaw's own backup: a real ${formatBytes(r.state.bytes)} state (${r.state.files} files, ${formatBytes(r.state.cacheBytes)} of it cache/), gateway running`,
    headers: ["approach", "1st backup", "uploaded", "2nd backup", "uploaded", "stored after 2", "restore", "restored bytes"],
    rows: (["engine", "openclawBackup"] as const).map((id) => {
      const row = r.rows[id];
      return [
        label[id],
        formatMs(row.first.wallMs),
        formatBytes(row.first.uploadedBytes),
        formatMs(row.second.wallMs),
        formatBytes(row.second.uploadedBytes),
        formatBytes(row.stored.bytes),
        formatMs(row.restoreMs),
        formatBytes(row.restoredBytes),
      ];
    }),
    notes: [
      "Same state, same S3 server on 127.0.0.1, one after the other while the gateway runs. The engine's restore verifies every byte against the manifest; `openclaw backup restore` verifies the archive and extracts it (into a fresh directory, as it requires).",
    ],
  };
}
