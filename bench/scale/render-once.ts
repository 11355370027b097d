// One render of a generated fleet, in a process of its own so that peak memory belongs to this
// run alone. Prints one `BENCH_RESULT <json>` line; the parent (bench/scale/run.ts) collects it.
//   node --expose-gc --import tsx bench/scale/render-once.ts <instances> <s3Compatible|aws> [--no-source-maps] [--profile]
import { program } from "../../components/program/program";
import { runWithMocks } from "../../scripts/lib/mock-runtime";
import { profile, summarizeProfile, type ProfileSummary } from "./cpu-profile";
import { generateFleet, STORE_KINDS, type StoreKind } from "./fleet-config";
import { countResources, scanFleet, type FleetScan, type ResourceCounts } from "./registrations";

export const RESULT_MARKER = "BENCH_RESULT ";

export interface RenderResult {
  readonly instances: number;
  readonly store: StoreKind;
  readonly sourceMaps: boolean;
  /** Process start to the first line of main: node, tsx and every module the program imports. */
  readonly startupMs: number;
  /** Config validation, every constructor and every registration, until the last RPC settled. */
  readonly renderMs: number;
  /** CPU time (user + system, all threads) of the render: far less sensitive than wall time to other load on the machine. */
  readonly renderCpuMs: number;
  /** Peak resident set of the whole process (KiB, from getrusage). */
  readonly maxRssKiB: number;
  /** Live heap after a full GC, with the registrations still referenced. */
  readonly heapUsedAfterGcBytes?: number;
  readonly resources: ResourceCounts;
  readonly fleetScan: FleetScan;
  /** With --profile: where the render's CPU time went (profiling slows the render; its time is not comparable). */
  readonly profile?: ProfileSummary;
}

async function main(): Promise<void> {
  const startupMs = performance.now();
  const [instancesArg, storeArg, ...flags] = process.argv.slice(2);
  const instances = Number(instancesArg);
  if (!STORE_KINDS.includes(storeArg as StoreKind)) throw new Error(`store must be one of ${STORE_KINDS.join(", ")}, got ${storeArg}`);
  const store = storeArg as StoreKind;
  // Pulumi records a stack trace for every promise and resource; with source maps on (as under
  // tsx and `pulumi up`) each one is mapped. This switch measures what that costs.
  const sourceMaps = !flags.includes("--no-source-maps");
  if (!sourceMaps) process.setSourceMapsEnabled(false);

  const profiled = flags.includes("--profile");

  const raw = generateFleet(instances, store);
  const render = () => runWithMocks(raw, program, { stack: "bench" });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { registrations, summary } = profiled
    ? await profile(render).then(({ result, profile: p }) => ({ registrations: result.registrations, summary: summarizeProfile(p) }))
    : await render().then((r) => ({ registrations: r.registrations, summary: undefined }));
  const renderMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const renderCpuMs = (cpu.user + cpu.system) / 1000;

  const gc = (globalThis as { gc?: () => void }).gc;
  let heapUsedAfterGcBytes: number | undefined;
  if (gc) {
    gc();
    heapUsedAfterGcBytes = process.memoryUsage().heapUsed;
  }
  const result: RenderResult = {
    instances,
    store,
    sourceMaps,
    startupMs,
    renderMs,
    renderCpuMs,
    maxRssKiB: process.resourceUsage().maxRSS,
    ...(heapUsedAfterGcBytes !== undefined ? { heapUsedAfterGcBytes } : {}),
    resources: countResources(registrations),
    fleetScan: scanFleet(registrations),
    ...(summary ? { profile: summary } : {}),
  };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
