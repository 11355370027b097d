// Backup efficiency: the engine against (a) a full rclone copy and (b) tar.gz + one upload, on the
// same generated state and the same local S3 server, measured side by side in one run.
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useEngineTools } from "../../test/support/engine-tools";
import { startS3Server, type S3Server } from "../../test/support/s3server";
import { formatBytes, formatMedianMs, formatMs, formatPercent, formatRatio, median } from "../lib/stats";
import type { Table } from "../lib/table";
import {
  engine,
  engineRestoreTransfers,
  fullCopy,
  plainCopy,
  tarGz,
  type Approach,
  type ApproachId,
  type Context,
  type Phases,
  type RunOptions,
} from "./approaches";
import { fileLevelDedup, type DedupEstimate } from "./dedup";
import { applyChurn, generateState, treeBytes, type StateTree } from "./state";
import { metered, prefixUsage, rcloneOk, type PrefixUsage, type Transfer } from "./store";

export interface BackupOptions {
  /** State size: 1 = ~200 MB in ~5,000 files. */
  readonly scale: number;
  /** Runs per scenario; medians are reported. */
  readonly repeats: number;
  /** Runs of the first (full) backup, the slowest scenario. */
  readonly firstRepeats: number;
  /** Snapshots in the storage series, and the (smaller) state scale it runs at. */
  readonly snapshots: number;
  readonly seriesScale: number;
  /** Fraction of files a day of use changes. */
  readonly churn: number;
  /** rclone --bwlimit for the "slower link" run of the no-change scenario (e.g. "12.5M" ≈ 100 Mbit/s); omit to skip. */
  readonly bwlimit?: string;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export type ScenarioId = "first" | "noChange" | "noChangeSlowLink" | "churn";

export interface Run extends Transfer {
  readonly phases?: Phases;
}

export interface BackupResults {
  readonly state: { readonly files: number; readonly bytes: number; readonly byKind: Record<string, { files: number; bytes: number }> };
  readonly scenarios: Record<ScenarioId, Partial<Record<ApproachId, readonly Run[]>>>;
  readonly restore: Record<
    "engine" | "plainCopy" | "plainCopyParallel" | "fullCopy" | "tarGz",
    readonly { wallMs: number; phases?: Phases }[]
  >;
  readonly series: {
    readonly scale: number;
    readonly snapshots: number;
    readonly files: number;
    readonly initialBytes: number;
    readonly finalBytes: number;
    /** Σ of the tree size on every day: what 30 independent full copies hold. */
    readonly sumOfTreeBytes: number;
    readonly usage: Record<ApproachId, PrefixUsage>;
    readonly uploadedBytes: Record<ApproachId, number>;
    readonly wallMs: Record<ApproachId, number>;
    /** Backup time of each day, per approach: shows costs that grow with the number of snapshots kept. */
    readonly dailyWallMs: Record<ApproachId, number[]>;
    readonly dedup: DedupEstimate;
  };
  readonly targets: readonly Target[];
}

export interface Target {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: "percent" | "ratio";
  readonly pass: boolean;
}

const APPROACHES = (ctx: Context): [Approach, Approach, Approach] => [engine(ctx), fullCopy(ctx), tarGz(ctx)];

/** Stamps one minute apart from a base date: every snapshot name is unique and sorts by time. */
function stamps(base: Date, stepMs: number) {
  let i = 0;
  return () =>
    new Date(base.getTime() + stepMs * i++)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
}

function rotated<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function backupRun(s3: S3Server, approach: Approach, source: string, stamp: string, options?: RunOptions): Promise<Run> {
  let phases: Phases | undefined;
  const transfer = await metered(s3, async () => {
    phases = await approach.backup(source, stamp, options);
  });
  return { ...transfer, ...(phases ? { phases } : {}) };
}

function describeState(tree: StateTree): BackupResults["state"] {
  const byKind: Record<string, { files: number; bytes: number }> = {};
  let bytes = 0;
  for (const f of tree.files) {
    const size = statSync(join(tree.root, f.path)).size;
    const k = (byKind[f.kind] ??= { files: 0, bytes: 0 });
    k.files++;
    k.bytes += size;
    bytes += size;
  }
  return { files: tree.files.length, bytes, byKind };
}

export async function runBackup(options: BackupOptions): Promise<{ results: BackupResults; tables: Table[] }> {
  const { log } = options;
  // The backup image's exact rclone (test/toolchain/build.sh), for the engine and the baselines alike.
  useEngineTools();
  const scratch = mkdtempSync(join(tmpdir(), "openclaw-bench-"));
  const s3 = await startS3Server();
  try {
    const home = join(scratch, "home");
    mkdirSync(home);
    const ctx = (series: string): Context => ({ s3, scratch: home, series });
    const nextStamp = stamps(new Date(Date.UTC(2026, 0, 1)), 60_000);

    log(`  backup: generating state (scale ${options.scale}) …`);
    const tree = await generateState(join(scratch, "state"), { scale: options.scale, seed: options.seed });
    const state = describeState(tree);
    log(`  backup: ${state.files} files, ${formatBytes(state.bytes)}`);

    const scenarios: BackupResults["scenarios"] = { first: {}, noChange: {}, noChangeSlowLink: {}, churn: {} };
    const record = (scenario: ScenarioId, id: ApproachId, run: Run) => {
      const list = (scenarios[scenario][id] ??= []) as Run[];
      list.push(run);
      log(
        `  backup: ${scenario} ${id}: ${formatMs(run.wallMs)}, uploaded ${formatBytes(run.uploadedBytes)}, ${run.objectsWritten} objects (${run.serverSideCopies} server-side copies)`,
      );
    };

    // First backup: every repeat into a fresh series; the first series carries on as "main".
    const main = APPROACHES(ctx("main"));
    for (let rep = 0; rep < options.firstRepeats; rep++) {
      const approaches = rep === 0 ? main : APPROACHES(ctx(`first-${rep}`));
      for (const a of rotated(approaches, rep)) {
        record("first", a.id, await backupRun(s3, a, tree.root, nextStamp()));
        if (rep > 0) await rcloneOk(s3, home, ["purge", `store:${s3.bucket}/${a.prefix}`]);
      }
    }
    for (let rep = 0; rep < options.repeats; rep++) {
      for (const a of rotated(main, rep)) record("noChange", a.id, await backupRun(s3, a, tree.root, nextStamp()));
    }
    if (options.bwlimit !== undefined) {
      for (let rep = 0; rep < options.repeats; rep++) {
        for (const a of rotated(main, rep))
          record("noChangeSlowLink", a.id, await backupRun(s3, a, tree.root, nextStamp(), { rcloneFlags: ["--bwlimit", options.bwlimit] }));
      }
    }
    for (let rep = 0; rep < options.repeats; rep++) {
      const changed = await applyChurn(tree, options.churn);
      log(`  backup: churn changed ${changed.length} files`);
      for (const a of rotated(main, rep)) record("churn", a.id, await backupRun(s3, a, tree.root, nextStamp()));
    }

    // Restore the newest backup of each approach, and a plain copy of the same data stored one
    // object per file: (a)'s newest copy, taken after the same churn as the engine's newest snapshot
    // (the engine's own objects are now mostly packs, so they are no longer "the same data").
    const restore: Record<keyof BackupResults["restore"], { wallMs: number; phases?: Phases }[]> = {
      engine: [],
      plainCopy: [],
      plainCopyParallel: [],
      fullCopy: [],
      tarGz: [],
    };
    const newestCopy = (await rcloneOk(s3, home, ["lsf", "--dirs-only", `store:${s3.bucket}/${main[1].prefix}/`]))
      .trim()
      .split("\n")
      .sort()
      .pop()
      ?.replace(/\/$/, "");
    if (!newestCopy) throw new Error("no full copy to restore");
    const dataPrefix = `${main[1].prefix}/${newestCopy}`;
    const restorers: [keyof BackupResults["restore"], (target: string) => Promise<Phases | undefined>][] = [
      ["engine", (t) => main[0].restore(t)],
      ["plainCopy", (t) => plainCopy(ctx("main"), dataPrefix, t).then(() => undefined)],
      [
        "plainCopyParallel",
        (t) => plainCopy(ctx("main"), dataPrefix, t, ["--transfers", String(engineRestoreTransfers())]).then(() => undefined),
      ],
      ["fullCopy", (t) => main[1].restore(t)],
      ["tarGz", (t) => main[2].restore(t)],
    ];
    for (let rep = 0; rep < options.repeats; rep++) {
      for (const [id, restoreInto] of rotated(restorers, rep)) {
        const target = join(scratch, `restore-${id}-${rep}`);
        mkdirSync(target);
        const started = performance.now();
        const phases = await restoreInto(target);
        const wallMs = performance.now() - started;
        restore[id].push({ wallMs, ...(phases ? { phases } : {}) });
        log(`  backup: restore ${id}: ${formatMs(wallMs)}`);
        rmSync(target, { recursive: true, force: true });
      }
    }
    for (const a of main) await rcloneOk(s3, home, ["purge", `store:${s3.bucket}/${a.prefix}`]);

    const series = await storageSeries(s3, home, scratch, options);
    const results: BackupResults = { state, scenarios, restore, series, targets: [...targets(scenarios, restore), storageTarget(series)] };
    return { results, tables: backupTables(results, options) };
  } finally {
    await s3.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** N daily snapshots with churn in between, every approach keeping all of them. */
async function storageSeries(s3: S3Server, home: string, scratch: string, options: BackupOptions): Promise<BackupResults["series"]> {
  const { log } = options;
  const tree = await generateState(join(scratch, "series-state"), { scale: options.seriesScale, seed: options.seed + 1 });
  const initialBytes = treeBytes(tree);
  const ctx: Context = { s3, scratch: home, series: "daily" };
  const approaches = APPROACHES(ctx);
  const nextStamp = stamps(new Date(Date.UTC(2026, 1, 1, 3)), 86_400_000);
  const uploadedBytes: Record<ApproachId, number> = { engine: 0, fullCopy: 0, tarGz: 0 };
  const wallMs: Record<ApproachId, number> = { engine: 0, fullCopy: 0, tarGz: 0 };
  const dailyWallMs: Record<ApproachId, number[]> = { engine: [], fullCopy: [], tarGz: [] };
  let sumOfTreeBytes = 0;
  for (let day = 0; day < options.snapshots; day++) {
    if (day > 0) await applyChurn(tree, options.churn);
    sumOfTreeBytes += treeBytes(tree);
    const stamp = nextStamp();
    for (const a of rotated(approaches, day)) {
      const run = await backupRun(s3, a, tree.root, stamp);
      uploadedBytes[a.id] += run.uploadedBytes;
      wallMs[a.id] += run.wallMs;
      dailyWallMs[a.id].push(run.wallMs);
    }
    if ((day + 1) % 5 === 0 || day === options.snapshots - 1) log(`  backup: storage series day ${day + 1}/${options.snapshots}`);
  }
  const usage = {} as Record<ApproachId, PrefixUsage>;
  for (const a of approaches) usage[a.id] = await prefixUsage(s3, home, a.prefix);
  const dedup = await fileLevelDedup(s3, home, approaches[0].prefix);
  return {
    scale: options.seriesScale,
    snapshots: options.snapshots,
    files: tree.files.length,
    initialBytes,
    finalBytes: treeBytes(tree),
    sumOfTreeBytes,
    usage,
    uploadedBytes,
    wallMs,
    dailyWallMs,
    dedup,
  };
}

const med = (runs: readonly Run[] | undefined, pick: (r: Run) => number) => (runs && runs.length > 0 ? median(runs.map(pick)) : Number.NaN);

function targets(s: BackupResults["scenarios"], restore: BackupResults["restore"]): BackupResults["targets"] {
  const out: Target[] = [];
  const add = (name: string, value: number, limit: number, unit: Target["unit"]) =>
    out.push({ name, value, limit, unit, pass: value <= limit });
  add(
    "no-change backup: engine bytes uploaded / (a)'s",
    med(s.noChange.engine, (r) => r.uploadedBytes) / med(s.noChange.fullCopy, (r) => r.uploadedBytes),
    0.01,
    "percent",
  );
  add(
    "no-change backup: engine time / (a)'s (loopback)",
    med(s.noChange.engine, (r) => r.wallMs) / med(s.noChange.fullCopy, (r) => r.wallMs),
    0.2,
    "ratio",
  );
  if (s.noChangeSlowLink.engine) {
    add(
      "no-change backup: engine time / (a)'s (slower link)",
      med(s.noChangeSlowLink.engine, (r) => r.wallMs) / med(s.noChangeSlowLink.fullCopy, (r) => r.wallMs),
      0.2,
      "ratio",
    );
  }
  add(
    "restore: engine time / plain rclone copy",
    median(restore.engine.map((r) => r.wallMs)) / median(restore.plainCopy.map((r) => r.wallMs)),
    1.2,
    "ratio",
  );
  return out;
}

function storageTarget(series: BackupResults["series"]): Target {
  const value = series.usage.engine.bytes / series.usage.fullCopy.bytes;
  return {
    name: `storage after ${series.snapshots} daily snapshots: engine / (a) full copies`,
    value,
    limit: 0.3,
    unit: "ratio",
    pass: value <= 0.3,
  };
}

const LABEL: Record<ApproachId, string> = { engine: "engine", fullCopy: "(a) full copy", tarGz: "(b) tar.gz" };

export function backupTables(r: BackupResults, options: Pick<BackupOptions, "repeats" | "bwlimit" | "churn">): Table[] {
  const tables: Table[] = [];
  tables.push({
    title: "Generated state",
    headers: ["kind", "files", "bytes"],
    rows: [
      ...Object.entries(r.state.byKind).map(([k, v]) => [k, String(v.files), formatBytes(v.bytes)]),
      ["total", String(r.state.files), formatBytes(r.state.bytes)],
    ],
    notes: [
      "jsonl = session and cron logs; text = JSON/Markdown/code; binary = media (incompressible), a dozen of them 1–6 MiB; sqlite = WAL-mode databases made with the sqlite3 CLI.",
    ],
  });

  const scenarioNames: [ScenarioId, string][] = [
    ["first", "first backup"],
    ["noChange", "second backup, no change"],
    ["noChangeSlowLink", `no change, link limited to ${options.bwlimit ?? "—"}/s`],
    ["churn", `after ${formatPercent(options.churn, 0)} of files changed`],
  ];
  const rows: string[][] = [];
  for (const [id, name] of scenarioNames) {
    const base = r.scenarios[id].fullCopy;
    for (const a of ["engine", "fullCopy", "tarGz"] as const) {
      const runs = r.scenarios[id][a];
      if (!runs || runs.length === 0) continue;
      const up = med(runs, (x) => x.uploadedBytes);
      rows.push([
        name,
        LABEL[a],
        String(runs.length),
        formatBytes(up),
        base ? formatPercent(up / med(base, (x) => x.uploadedBytes), 1) : "—",
        `${Math.round(med(runs, (x) => x.objectsWritten))} (${Math.round(med(runs, (x) => x.serverSideCopies))})`,
        formatMedianMs(runs.map((x) => x.wallMs)),
        base ? formatRatio(med(runs, (x) => x.wallMs) / med(base, (x) => x.wallMs)) : "—",
      ]);
    }
  }
  tables.push({
    title: "Backups: bytes uploaded, objects written, wall time (medians; approaches interleaved in every round)",
    headers: [
      "scenario",
      "approach",
      "runs",
      "uploaded",
      "vs (a)",
      "objects written (server-side copies)",
      "wall time, median (min–max)",
      "time vs (a)",
    ],
    rows,
    notes: [
      "Uploaded = object bytes the client sent (PUT and multipart parts), counted by the S3 server; a server-side copy sends none. Objects written include server-side copies.",
      ...(r.scenarios.first.engine?.[0]?.phases
        ? [
            `Engine phases (median): first backup ${phaseText(r.scenarios.first.engine)}; no change ${phaseText(r.scenarios.noChange.engine)}; after churn ${phaseText(r.scenarios.churn.engine)}.`,
            // A floor for any layout: the local work before the first byte moves, against (a)'s whole run.
            `No change, prepare phase alone (scan, SQLite capture, hashing, before any transfer): ${formatRatio(
              med(r.scenarios.noChange.engine, (x) => x.phases?.prepare ?? Number.NaN) /
                med(r.scenarios.noChange.fullCopy, (x) => x.wallMs),
            )} of (a)'s whole time.`,
          ]
        : []),
    ],
  });

  const plain = median(r.restore.plainCopy.map((x) => x.wallMs));
  tables.push({
    title: `Restore of the newest backup into an empty directory (median of ${options.repeats})`,
    headers: ["method", "wall time (min–max)", "vs plain copy"],
    rows: (
      [
        ["engine restore (download, verify every byte against the manifest, layout, swap)", "engine"],
        ["plain `rclone copy` of the same data, one object per file ((a)'s newest copy)", "plainCopy"],
        [`plain \`rclone copy --transfers ${engineRestoreTransfers()}\` (the engine's parallelism)`, "plainCopyParallel"],
        ["(a) `rclone copy` of its full copy", "fullCopy"],
        ["(b) `rclone cat | tar -xz`", "tarGz"],
      ] as const
    ).map(([label, id]) => [
      label,
      formatMedianMs(r.restore[id].map((x) => x.wallMs)),
      formatRatio(median(r.restore[id].map((x) => x.wallMs)) / plain),
    ]),
    notes: r.restore.engine[0]?.phases ? [`Engine phases (median): ${phaseText(r.restore.engine)}.`] : [],
  });

  const s = r.series;
  const a = s.usage.fullCopy.bytes;
  tables.push({
    title: `Bytes stored after ${s.snapshots} daily snapshots at ${formatPercent(options.churn, 0)} churn (state scaled to ${s.scale}: ${s.files} files, ${formatBytes(s.initialBytes)} → ${formatBytes(s.finalBytes)})`,
    headers: ["approach", "objects", "bytes stored", "vs (a)", "bytes uploaded in total", "total backup time"],
    rows: [
      ...(["engine", "fullCopy", "tarGz"] as const).map((id) => [
        LABEL[id],
        String(s.usage[id].objects),
        formatBytes(s.usage[id].bytes),
        formatRatio(s.usage[id].bytes / a),
        formatBytes(s.uploadedBytes[id]),
        formatMs(s.wallMs[id]),
      ]),
      [
        "file-level content-addressed store (computed from the engine's manifests)",
        String(s.dedup.distinctContents),
        formatBytes(s.dedup.bytes),
        formatRatio(s.dedup.bytes / a),
        "—",
        "—",
      ],
    ],
    notes: [
      `Σ of the tree size over the ${s.snapshots} days: ${formatBytes(s.sumOfTreeBytes)}; (a) stores exactly that. The engine's snapshots share their instance's pool: each distinct file content once (packs: at most half stale).`,
      `Backup time on day 1 → day ${s.snapshots}: ${(["engine", "fullCopy", "tarGz"] as const)
        .map((id) => {
          const [first, last] = [s.dailyWallMs[id].at(0), s.dailyWallMs[id].at(-1)];
          return `${LABEL[id]} ${first === undefined ? "—" : formatMs(first)} → ${last === undefined ? "—" : formatMs(last)}`;
        })
        .join("; ")}.`,
    ],
  });

  tables.push({
    title: "Targets",
    headers: ["target", "measured", "limit", "result"],
    rows: r.targets.map((t) => [
      t.name,
      t.unit === "percent" ? formatPercent(t.value, 2) : formatRatio(t.value),
      t.unit === "percent" ? `≤ ${formatPercent(t.limit, 0)}` : `≤ ${formatRatio(t.limit, 1)}`,
      t.pass ? "PASS" : "FAIL",
    ]),
  });
  return tables;
}

function phaseText(runs: readonly Run[] | readonly { phases?: Phases }[] | undefined): string {
  const phases = runs?.[0]?.phases;
  if (!runs || !phases) return "—";
  const names = Object.keys(phases);
  return names.map((n) => `${n} ${formatMs(median(runs.map((x) => x.phases?.[n] ?? 0)))}`).join(", ");
}
