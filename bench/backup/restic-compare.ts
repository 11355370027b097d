// The engine against restic, side by side in one run, on moto (restic's S3 client sends
// aws-chunked streaming uploads, which s3rver stores undecoded, so restic cannot run on the main
// bench's server). Both against (a), a full rclone copy, on the same server: storage after N daily
// snapshots at 1% churn, the no-change backup and the restore, as ratios to (a).
//
//   tsx bench/backup/restic-compare.ts [--scale 0.2] [--series-scale 0.1] [--snapshots 30] [--repeats 3] [--out FILE]
//
// Needs test/toolchain/build.sh all (rclone 1.68.2, moto, restic 0.17.3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useEngineTools } from "../../test/support/engine-tools";
import { startMotoServer } from "../../test/support/s3server";
import { formatBytes, formatMedianMs, formatRatio, median } from "../lib/stats";
import { renderTable } from "../lib/table";
import { engine, fullCopy, restic, type Comparable, type Context } from "./approaches";
import { applyChurn, generateState, treeBytes } from "./state";
import { prefixUsage, rcloneOk } from "./store";

interface Options {
  scale: number;
  seriesScale: number;
  snapshots: number;
  repeats: number;
  churn: number;
  seed: number;
  out?: string;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { scale: 0.2, seriesScale: 0.1, snapshots: 30, repeats: 3, churn: 0.01, seed: 8 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--scale") o.scale = Number(value);
    else if (flag === "--series-scale") o.seriesScale = Number(value);
    else if (flag === "--snapshots") o.snapshots = Number(value);
    else if (flag === "--repeats") o.repeats = Number(value);
    else if (flag === "--out") o.out = value;
    else throw new Error(`unknown argument ${flag}`);
    i++;
  }
  return o;
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function stamps(base: Date, stepMs: number) {
  let i = 0;
  return () =>
    new Date(base.getTime() + stepMs * i++)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
}

async function timed(what: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await what();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  useEngineTools();
  const scratch = mkdtempSync(join(tmpdir(), "restic-compare-"));
  const s3 = await startMotoServer();
  try {
    const home = join(scratch, "home");
    mkdirSync(home);
    const ctx = (series: string): Context => ({ s3, scratch: home, series });
    const all = (series: string): Comparable[] => [engine(ctx(series)), fullCopy(ctx(series)), restic(ctx(series))];
    const next = stamps(new Date(Date.UTC(2026, 0, 1)), 60_000);

    // Scenarios: first backup, no-change backups, restore of the newest.
    const tree = await generateState(join(scratch, "state"), { scale: o.scale, seed: o.seed });
    log(`state: ${tree.files.length} files, ${formatBytes(treeBytes(tree))}`);
    const main = all("main");
    const noChange: Record<string, number[]> = {};
    const restore: Record<string, number[]> = {};
    for (const a of main) log(`first ${a.id}: ${Math.round(await timed(() => a.backup(tree.root, next())))} ms`);
    for (let rep = 0; rep < o.repeats; rep++) {
      for (const a of main) {
        const ms = await timed(() => a.backup(tree.root, next()));
        (noChange[a.id] ??= []).push(ms);
        log(`no change ${a.id}: ${Math.round(ms)} ms`);
      }
    }
    for (let rep = 0; rep < o.repeats; rep++) {
      for (const a of main) {
        const target = join(scratch, `restore-${a.id}-${rep}`);
        mkdirSync(target);
        const ms = await timed(() => a.restore(target));
        (restore[a.id] ??= []).push(ms);
        log(`restore ${a.id}: ${Math.round(ms)} ms`);
        rmSync(target, { recursive: true, force: true });
      }
    }
    for (const a of main) await rcloneOk(s3, home, ["purge", `store:${s3.bucket}/${a.prefix}`]);

    // Storage series.
    const seriesTree = await generateState(join(scratch, "series-state"), { scale: o.seriesScale, seed: o.seed + 1 });
    const daily = all("daily");
    const nextDay = stamps(new Date(Date.UTC(2026, 1, 1, 3)), 86_400_000);
    const seriesMs: Record<string, number> = {};
    let sum = 0;
    for (let day = 0; day < o.snapshots; day++) {
      if (day > 0) await applyChurn(seriesTree, o.churn);
      sum += treeBytes(seriesTree);
      const stamp = nextDay();
      for (const a of daily) seriesMs[a.id] = (seriesMs[a.id] ?? 0) + (await timed(() => a.backup(seriesTree.root, stamp)));
      if ((day + 1) % 5 === 0) log(`series day ${day + 1}/${o.snapshots}`);
    }
    const usage: Record<string, { objects: number; bytes: number }> = {};
    for (const a of daily) usage[a.id] = await prefixUsage(s3, home, a.prefix);

    const base = (m: Record<string, number[]>) => median(m.fullCopy ?? []);
    const rows = main.map((a) => [
      a.label,
      formatMedianMs(noChange[a.id] ?? []),
      formatRatio(median(noChange[a.id] ?? []) / base(noChange)),
      formatMedianMs(restore[a.id] ?? []),
      formatRatio(median(restore[a.id] ?? []) / base(restore)),
      String(usage[a.id]?.objects ?? 0),
      formatBytes(usage[a.id]?.bytes ?? 0),
      formatRatio((usage[a.id]?.bytes ?? 0) / (usage.fullCopy?.bytes ?? 1)),
      `${Math.round((seriesMs[a.id] ?? 0) / 1000)} s`,
    ]);
    const table = renderTable({
      title: `The engine and restic 0.17.3 side by side on moto (state ${tree.files.length} files; series: ${o.snapshots} daily snapshots at ${o.churn * 100}% churn, ${seriesTree.files.length} files, Σ ${formatBytes(sum)})`,
      headers: [
        "approach",
        "no-change backup (median)",
        "vs (a)",
        "restore (median)",
        "vs (a)",
        "objects after series",
        "bytes stored",
        "vs (a)",
        "series backup time",
      ],
      rows,
      notes: [
        "(a) = rclone copy of the whole tree to a fresh prefix per snapshot; it stores Σ of the tree sizes. Each figure is measured in this one run, approaches interleaved.",
        "restic: one repository per instance, no persistent cache (--no-cache, as a CronJob pod), default compression (auto).",
      ],
    });
    process.stdout.write(`${table}\n`);
    if (o.out)
      writeFileSync(
        o.out,
        `${JSON.stringify({ options: o, files: tree.files.length, noChange, restore, usage, seriesMs, sumOfTreeBytes: sum }, null, 2)}\n`,
      );
  } finally {
    await s3.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
