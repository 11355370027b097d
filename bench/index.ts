// `npm run bench`: program scale and backup efficiency against the approaches we replace.
// Prints Markdown tables and writes bench/results.json. Not part of `npm test`.
//
//   tsx bench/index.ts [--quick] [--only scale|backup|openclaw] [--out FILE]
//
// It runs on a shared 2-core machine: every figure is a median over several runs, and claims are
// ratios against baselines measured side by side in the same run, never bare absolute times.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { useEngineTools } from "../test/support/engine-tools";
import { runOpenClawAnchor, type AnchorOptions } from "./backup/openclaw-anchor";
import { runBackup, type BackupOptions } from "./backup/run";
import { renderTable, type Table } from "./lib/table";
import { runScale, type ScaleOptions } from "./scale/run";

const ROOT = resolve(__dirname, "..");

const SECTIONS = ["scale", "backup", "openclaw"] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  readonly quick: boolean;
  readonly only?: Section;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let only: Args["only"];
  let out = join(ROOT, "bench", "results.json");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--only" && (SECTIONS as readonly string[]).includes(argv[i + 1] ?? "")) only = argv[++i] as Section;
    else if (arg === "--out" && argv[i + 1] !== undefined) out = resolve(argv[++i] ?? "");
    else throw new Error(`unknown argument '${arg}'. Usage: tsx bench/index.ts [--quick] [--only scale|backup|openclaw] [--out FILE]`);
  }
  return { quick, ...(only ? { only } : {}), out };
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function scaleOptions(quick: boolean): ScaleOptions {
  return quick
    ? { sizes: [1, 10, 50, 100], repeats: 2, profileSize: 100, sourceMapSize: 50, maxGrowthRatio: 12, repoRoot: ROOT, log }
    : { sizes: [1, 10, 50, 100, 500], repeats: 3, profileSize: 500, sourceMapSize: 100, maxGrowthRatio: 12, repoRoot: ROOT, log };
}

function backupOptions(quick: boolean): BackupOptions {
  // 12.5 MB/s ≈ 100 Mbit/s: a modest cluster-to-object-store link, applied to every approach alike.
  return quick
    ? { scale: 0.1, repeats: 2, firstRepeats: 1, snapshots: 10, seriesScale: 0.05, churn: 0.01, bwlimit: "12.5M", seed: 8, log }
    : { scale: 1, repeats: 3, firstRepeats: 2, snapshots: 30, seriesScale: 0.1, churn: 0.01, bwlimit: "12.5M", seed: 8, log };
}

function anchorOptions(quick: boolean): AnchorOptions {
  return { scale: quick ? 0.1 : 0.5, seed: 8, log };
}

function tool(command: string, args: readonly string[]): string {
  try {
    return (
      execFileSync(command, [...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } })
        .split("\n")[0]
        ?.trim() ?? ""
    );
  } catch {
    return "unavailable";
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The backup image's exact rclone (test/toolchain/build.sh) for every rclone the bench starts,
  // and the one the results record.
  if (args.only !== "scale") useEngineTools();
  const started = Date.now();
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    rclone: tool("rclone", ["version"]),
    sqlite3: tool("sqlite3", ["-version"]),
    commit: tool("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]),
    loadAverageAtStart: loadavg(),
  };
  log(
    `bench: ${args.quick ? "quick" : "full"} run on ${machine.cpus} CPUs, load ${machine.loadAverageAtStart.map((x) => x.toFixed(1)).join(" ")}`,
  );

  const tables: Table[] = [];
  const results: Record<string, unknown> = { mode: args.quick ? "quick" : "full", startedAt: new Date(started).toISOString(), machine };
  const errors: string[] = [];
  // A failing section must not throw away the other one's results.
  const section = async (name: string, work: () => Promise<void>) => {
    log(`bench: ${name}`);
    try {
      await work();
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      log(`bench: ${name} FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const wanted = (name: Section) => args.only === undefined || args.only === name;
  if (wanted("scale")) {
    await section("program scale", async () => {
      const options = scaleOptions(args.quick);
      const { results: scale, tables: t } = await runScale(options);
      results.scale = { options: { ...options, log: undefined, repoRoot: undefined }, ...scale };
      tables.push(...t);
    });
  }
  if (wanted("backup")) {
    await section("backup efficiency", async () => {
      const options = backupOptions(args.quick);
      const { results: backup, tables: t } = await runBackup(options);
      results.backup = { options: { ...options, log: undefined }, ...backup };
      tables.push(...t);
    });
  }
  if (wanted("openclaw")) {
    await section("against OpenClaw's own backup", async () => {
      const options = anchorOptions(args.quick);
      const { results: anchor, tables: t } = await runOpenClawAnchor(options);
      results.openclawAnchor = { options: { ...options, log: undefined }, ...anchor };
      tables.push(...t);
    });
  }
  if (errors.length > 0) results.errors = errors;
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.loadAverageAtEnd = loadavg();
  const markdown = tables.map(renderTable).join("\n\n");
  results.markdown = markdown;
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${markdown}\n\n`);
  log(`bench: done in ${results.durationSeconds} s; results in ${args.out}`);
  if (errors.length > 0) {
    process.stderr.write(`${errors.join("\n")}\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
