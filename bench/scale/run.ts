// Program scale: render generated fleets under the mock runtime, each in a fresh process, and
// report time, memory, resources per instance, fleet-wide scans and where the time goes.
import { join } from "node:path";
import { runNodeChild } from "../lib/node-child";
import { formatBytes, formatMedianMs, formatMs, formatPercent, formatRatio, median, range } from "../lib/stats";
import type { Table } from "../lib/table";
import { STORE_KINDS, type StoreKind } from "./fleet-config";
import type { ProfileSummary } from "./cpu-profile";
import { RESULT_MARKER, type RenderResult } from "./render-once";
import { coefficientsByType, predict, solveCoefficients, tenantsFor, type Coefficients } from "./resource-model";

export interface ScaleOptions {
  /** Fleet sizes (instances); must include 1, 10 and 50 for the per-instance resource model. */
  readonly sizes: readonly number[];
  /** Renders per size; medians are reported. */
  readonly repeats: number;
  /** Size profiled once (CPU profile of the render); omit to skip. */
  readonly profileSize?: number;
  /** Size rendered with and without source-mapped stack traces, `repeats` times each. */
  readonly sourceMapSize?: number;
  /** Linearity target: time(largest) / time(largest / 10) must not exceed this. */
  readonly maxGrowthRatio: number;
  readonly repoRoot: string;
  readonly log: (line: string) => void;
}

export interface SizeSummary {
  readonly instances: number;
  readonly tenants: number;
  readonly runs: readonly RenderResult[];
  readonly renderMsMedian: number;
  readonly renderCpuMsMedian: number;
  readonly maxRssKiBMedian: number;
  readonly heapUsedAfterGcBytesMedian?: number;
}

export interface GrowthCheck {
  readonly small: number;
  readonly large: number;
  readonly cpuRatio: number;
  readonly wallRatio: number;
  readonly target: number;
  readonly pass: boolean;
}

export interface ScaleResults {
  readonly sizes: readonly SizeSummary[];
  readonly growth?: GrowthCheck;
  readonly resources: Readonly<
    Record<
      StoreKind,
      { readonly byKind: Record<string, Coefficients>; readonly byType: Record<string, Coefficients>; readonly linear: boolean }
    >
  >;
  readonly fleetScan: readonly (RenderResult["fleetScan"] & { readonly instances: number })[];
  readonly profile?: { readonly instances: number; readonly summary: ProfileSummary };
  readonly sourceMaps?: {
    readonly instances: number;
    readonly withMs: readonly number[];
    readonly withoutMs: readonly number[];
    readonly withCpuMs: readonly number[];
    readonly withoutCpuMs: readonly number[];
  };
}

const CHILD = join("bench", "scale", "render-once.ts");

function renderOnce(options: ScaleOptions, instances: number, store: StoreKind, flags: readonly string[] = []): Promise<RenderResult> {
  return runNodeChild<RenderResult>(CHILD, [String(instances), store, ...flags], RESULT_MARKER, {
    cwd: options.repoRoot,
    nodeFlags: ["--expose-gc", "--max-old-space-size=8192"],
    // 500 instances render in well under a minute here; ten minutes means something is wrong.
    timeoutMs: 600_000,
  });
}

/** Rotates the order each repeat so that slow phases of a noisy machine do not always hit the same size. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function kindCounts(r: RenderResult): Record<"kubernetes" | "aws" | "other" | "components", number> {
  return { kubernetes: r.resources.kubernetes, aws: r.resources.aws, other: r.resources.other, components: r.resources.components };
}

export async function runScale(options: ScaleOptions): Promise<{ results: ScaleResults; tables: Table[] }> {
  const { log } = options;
  for (const needed of [1, 10, 50]) if (!options.sizes.includes(needed)) throw new Error(`scale sizes must include ${needed}`);

  const runs = new Map<number, RenderResult[]>(options.sizes.map((s) => [s, []]));
  const sm = { withMs: [] as number[], withoutMs: [] as number[], withCpuMs: [] as number[], withoutCpuMs: [] as number[] };
  for (let rep = 0; rep < options.repeats; rep++) {
    for (const size of rotated(options.sizes, rep)) {
      const r = await renderOnce(options, size, "s3Compatible");
      runs.get(size)?.push(r);
      log(
        `  scale: ${size} instances, run ${rep + 1}/${options.repeats}: ${formatMs(r.renderMs)} wall, ${formatMs(r.renderCpuMs)} CPU, ${formatBytes(r.maxRssKiB * 1024)} peak RSS`,
      );
    }
    if (options.sourceMapSize !== undefined) {
      // Paired in the same repeat, order alternating, so that load drift hits both alike.
      const pair = rep % 2 === 0 ? [true, false] : [false, true];
      for (const withMaps of pair) {
        const r = await renderOnce(options, options.sourceMapSize, "s3Compatible", withMaps ? [] : ["--no-source-maps"]);
        (withMaps ? sm.withMs : sm.withoutMs).push(r.renderMs);
        (withMaps ? sm.withCpuMs : sm.withoutCpuMs).push(r.renderCpuMs);
        log(
          `  scale: ${options.sourceMapSize} instances, source maps ${withMaps ? "on" : "off"}: ${formatMs(r.renderMs)} wall, ${formatMs(r.renderCpuMs)} CPU`,
        );
      }
    }
  }

  const sizes: SizeSummary[] = options.sizes.map((instances) => {
    const rs = runs.get(instances) ?? [];
    const heaps = rs.map((r) => r.heapUsedAfterGcBytes).filter((h): h is number => h !== undefined);
    return {
      instances,
      tenants: tenantsFor(instances),
      runs: rs,
      renderMsMedian: median(rs.map((r) => r.renderMs)),
      renderCpuMsMedian: median(rs.map((r) => r.renderCpuMs)),
      maxRssKiBMedian: median(rs.map((r) => r.maxRssKiB)),
      ...(heaps.length > 0 ? { heapUsedAfterGcBytesMedian: median(heaps) } : {}),
    };
  });
  const bySize = new Map(sizes.map((s) => [s.instances, s]));

  // Linearity: the largest size against a tenth of it (500 vs 50), when both were rendered.
  const large = Math.max(...options.sizes);
  const small = large / 10;
  let growth: GrowthCheck | undefined;
  const L = bySize.get(large);
  const S = bySize.get(small);
  if (L && S) {
    const cpuRatio = L.renderCpuMsMedian / S.renderCpuMsMedian;
    const wallRatio = L.renderMsMedian / S.renderMsMedian;
    growth = {
      small,
      large,
      cpuRatio,
      wallRatio,
      target: options.maxGrowthRatio,
      pass: cpuRatio <= options.maxGrowthRatio && wallRatio <= options.maxGrowthRatio,
    };
  }

  // Resources per instance, for both store kinds (the aws store adds the AWS side).
  const resources = {} as Record<
    StoreKind,
    { byKind: Record<string, Coefficients>; byType: Record<string, Coefficients>; linear: boolean }
  >;
  for (const store of STORE_KINDS) {
    const samples = new Map<number, RenderResult>();
    for (const size of [1, 10, 50]) {
      const result = store === "s3Compatible" ? runs.get(size)?.[0] : await renderOnce(options, size, store);
      if (result !== undefined) samples.set(size, result);
    }
    const sample = (n: number): RenderResult => {
      const found = samples.get(n);
      if (!found) throw new Error(`no ${store} render at ${n} instances`);
      return found;
    };
    const byType = coefficientsByType(new Map([...samples].map(([n, r]) => [n, r.resources.byType])));
    const byKind: Record<string, Coefficients> = {};
    for (const kind of ["kubernetes", "aws", "other", "components"] as const) {
      byKind[kind] = solveCoefficients(kindCounts(sample(1))[kind], kindCounts(sample(10))[kind], kindCounts(sample(50))[kind]);
    }
    // The model must predict every other rendered size exactly, else growth is not linear in N.
    const total = solveCoefficients(sample(1).resources.total, sample(10).resources.total, sample(50).resources.total);
    const linear =
      store !== "s3Compatible" || sizes.every((s) => s.runs.every((r) => Math.abs(predict(total, s.instances) - r.resources.total) < 1e-6));
    resources[store] = { byKind, byType: Object.fromEntries(byType), linear };
    log(`  scale: resource model for ${store} store: ${JSON.stringify(byKind)}`);
  }

  let profile: ScaleResults["profile"];
  if (options.profileSize !== undefined) {
    const r = await renderOnce(options, options.profileSize, "s3Compatible", ["--profile"]);
    if (r.profile) profile = { instances: options.profileSize, summary: r.profile };
    log(`  scale: profiled ${options.profileSize} instances`);
  }

  const fleetScan = sizes.map((s) => {
    const [first] = s.runs;
    if (first === undefined) throw new Error(`no render at ${s.instances} instances`);
    return { instances: s.instances, ...first.fleetScan };
  });

  const results: ScaleResults = {
    sizes,
    ...(growth ? { growth } : {}),
    resources,
    fleetScan,
    ...(profile ? { profile } : {}),
    ...(options.sourceMapSize !== undefined ? { sourceMaps: { instances: options.sourceMapSize, ...sm } } : {}),
  };
  return { results, tables: scaleTables(results, options.repeats) };
}

function coefficientCell(c: Coefficients | undefined): string {
  return c === undefined || (c.fixed === 0 && c.perTenant === 0 && c.perInstance === 0)
    ? "—"
    : `${c.fixed} / ${c.perTenant} / ${c.perInstance}`;
}

export function scaleTables(r: ScaleResults, repeats: number): Table[] {
  const tables: Table[] = [];
  const base = r.sizes[0];
  const largest = r.sizes.at(-1);
  tables.push({
    title: `Render time and memory (s3Compatible store, backups on; median of ${repeats} runs, each in a fresh process)`,
    headers: [
      "instances",
      "tenants",
      "resources",
      "render wall (min–max)",
      "render CPU",
      "CPU per instance",
      "peak RSS",
      "heap after GC",
      "startup",
    ],
    rows: r.sizes.map((s) => [
      String(s.instances),
      String(s.tenants),
      String(s.runs[0]?.resources.total ?? "—"),
      formatMedianMs(s.runs.map((x) => x.renderMs)),
      formatMs(s.renderCpuMsMedian),
      formatMs(s.renderCpuMsMedian / s.instances),
      formatBytes(s.maxRssKiBMedian * 1024),
      s.heapUsedAfterGcBytesMedian !== undefined ? formatBytes(s.heapUsedAfterGcBytesMedian) : "—",
      formatMs(median(s.runs.map((x) => x.startupMs))),
    ]),
    notes: [
      `Render = config validation + every constructor + every registration until the mock engine has answered them all. Startup (node, tsx, imports) is paid once per \`pulumi\` run and is not part of it. CPU time is the process's user+system time during the render; on this shared 2-core machine it is the steadier figure.`,
      ...(r.growth
        ? [
            `Growth target time(${r.growth.large})/time(${r.growth.small}) ≤ ${r.growth.target}: CPU ${formatRatio(r.growth.cpuRatio)}, wall ${formatRatio(r.growth.wallRatio)} (perfectly linear would be 10×) → ${r.growth.pass ? "PASS" : "FAIL"}.`,
          ]
        : []),
      ...(base && largest
        ? [
            `Memory growth: ${formatBytes(((largest.maxRssKiBMedian - base.maxRssKiBMedian) * 1024) / Math.max(1, largest.instances - base.instances))} of peak RSS per added instance.`,
          ]
        : []),
    ],
  });

  const rows: string[][] = [];
  for (const kind of ["kubernetes", "aws", "other", "components"]) {
    const s3c = r.resources.s3Compatible.byKind[kind];
    const aws = r.resources.aws.byKind[kind];
    if (s3c === undefined || aws === undefined) throw new Error(`no ${kind} resource model`);
    rows.push([kind, `${s3c.fixed} / ${s3c.perTenant} / ${s3c.perInstance}`, `${aws.fixed} / ${aws.perTenant} / ${aws.perInstance}`]);
  }
  tables.push({
    title: "Resources: fixed / per tenant / per instance",
    headers: ["kind", "s3Compatible store (static keys)", "aws store (IRSA)"],
    rows,
    notes: [
      "Solved exactly from renders at 1, 10 and 50 instances (10 instances per tenant) and checked against every other size: " +
        `${r.resources.s3Compatible.linear ? "every rendered size matches, so resource count is exactly linear in instances and tenants" : "SOME SIZE DOES NOT MATCH the linear model"}. ` +
        "`other` is the gateway token (a GeneratedSecret dynamic resource), the ClaimGuard dynamic resource and explicit providers; `components` are openclaw:* ComponentResources (no cloud object).",
    ],
  });

  const types = [...new Set([...Object.keys(r.resources.s3Compatible.byType), ...Object.keys(r.resources.aws.byType)])]
    .filter((t) => !t.startsWith("openclaw:") && !t.startsWith("pulumi:"))
    .sort();
  tables.push({
    title: "Resources by type: fixed / per tenant / per instance",
    headers: ["type", "s3Compatible store", "aws store"],
    rows: types.map((t) => [t, coefficientCell(r.resources.s3Compatible.byType[t]), coefficientCell(r.resources.aws.byType[t])]),
  });

  tables.push({
    title: "Per-instance work that scans the fleet",
    headers: [
      "instances",
      "per-instance resources naming another instance",
      "fleet-level resource naming most instances",
      "fleet-level resource naming most tenants",
    ],
    rows: r.fleetScan.map((f) => [
      String(f.instances),
      String(f.crossInstanceRegistrations),
      f.widest ? `${f.widest.name}: ${f.widest.instancesMentioned} (${formatBytes(f.widest.inputBytes)} of inputs)` : "none",
      f.widestTenants
        ? `${f.widestTenants.name}: ${f.widestTenants.tenantsMentioned} of ${tenantsFor(f.instances)} (${formatBytes(f.widestTenants.inputBytes)} of inputs)`
        : "none",
    ]),
    notes: [
      "Every registration's inputs are searched for generated instance names: a per-instance resource that names other instances means per-instance work proportional to the fleet (O(N²) overall); a fleet-level resource that names every instance is O(N) but can hit provider size limits (e.g. 20 KB for an S3 bucket policy).",
      ...r.fleetScan.flatMap((f) => f.examples.map((e) => `- at ${f.instances}: ${e}`)),
    ],
  });

  if (r.profile) {
    tables.push({
      title: `Where render time goes (${r.profile.instances} instances, CPU profile of the render only)`,
      headers: ["cause", "share", "profiled ms"],
      rows: r.profile.summary.causes.filter((c) => c.share >= 0.001).map((c) => [c.cause, formatPercent(c.share, 1), c.ms.toFixed(0)]),
      notes: [
        "Hottest functions (self time): " +
          r.profile.summary.hottest.map((h) => `\`${h.fn}\` ${formatPercent(h.share, 1)}`).join(", ") +
          ".",
        "Profiling itself slows the render; only the shares are meaningful.",
      ],
    });
  }
  if (r.sourceMaps && r.sourceMaps.withMs.length > 0) {
    const s = r.sourceMaps;
    const rg = (v: readonly number[]) => `${formatMs(median(v))} (${formatMs(range(v).min)}–${formatMs(range(v).max)})`;
    tables.push({
      title: `Cost of source-mapped stack traces (${s.instances} instances, ${s.withMs.length} paired runs)`,
      headers: ["stack traces", "render wall", "render CPU"],
      rows: [
        ["source-mapped (tsx; `pulumi up` maps them too, via source-map-support)", rg(s.withMs), formatMs(median(s.withCpuMs))],
        ["not mapped", rg(s.withoutMs), formatMs(median(s.withoutCpuMs))],
      ],
      notes: [`Source maps add ${formatPercent(median(s.withCpuMs) / median(s.withoutCpuMs) - 1, 0)} CPU time to a render.`],
    });
  }
  return tables;
}
