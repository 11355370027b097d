// Where render time goes: a V8 CPU profile of the render only (taken in-process with the inspector,
// so startup and module loading stay out), attributed to a few causes one can act on.
import { Session } from "node:inspector";

/** The subset of V8's `Profiler.Profile` this summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly sampledMs: number;
  /** Share of sampled time by cause, largest first. */
  readonly causes: readonly { readonly cause: string; readonly ms: number; readonly share: number }[];
  /** Functions with the most self time. */
  readonly hottest: readonly { readonly fn: string; readonly ms: number; readonly share: number }[];
}

/** Profiles `work` in this process and returns the profile. */
export async function profile<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 1000 });
  await post("Profiler.start");
  try {
    const result = await work();
    const stopped = (await post("Profiler.stop")) as { profile: CpuProfile };
    return { result, profile: stopped.profile };
  } finally {
    session.disconnect();
  }
}

type Frame = CpuProfile["nodes"][number]["callFrame"];

// A sample belongs to the first rule that matches its own frame or (for `stack` rules) any caller.
const RULES: readonly { readonly cause: string; readonly stack?: boolean; readonly test: (f: Frame) => boolean }[] = [
  {
    cause: "Pulumi SDK: a stack trace per promise (debuggablePromise), source-mapped",
    stack: true,
    test: (f) => f.functionName === "debuggablePromise",
  },
  {
    cause: "Pulumi SDK: a stack trace per resource (source position), source-mapped",
    stack: true,
    test: (f) => f.functionName === "callsites",
  },
  { cause: "garbage collection", test: (f) => f.functionName === "(garbage collector)" },
  {
    cause: "Pulumi SDK runtime (outputs, serialisation, mock RPC)",
    test: (f) => /node_modules\/(@pulumi\/pulumi|google-protobuf|@grpc)\//.test(f.url),
  },
  {
    cause: "provider SDK classes (@pulumi/kubernetes, aws, random)",
    test: (f) => /node_modules\/@pulumi\/(kubernetes|aws|random)\//.test(f.url),
  },
  { cause: "config validation (zod)", test: (f) => /node_modules\/zod\//.test(f.url) },
  { cause: "this repo: components/ (model, builders, wiring)", test: (f) => f.url.includes("/components/") },
  { cause: "this repo: mock runtime (scripts/lib)", test: (f) => f.url.includes("/scripts/") || f.url.includes("/bench/") },
  { cause: "module loading (lazy requires, tsx)", test: (f) => /node:internal\/modules|node_modules\/tsx\//.test(f.url) },
];
const OTHER = "other (V8 and Node internals, idle)";

export function summarizeProfile(p: CpuProfile, top = 8): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

  const causeOf = (id: number): string => {
    const self = byId.get(id)?.callFrame;
    for (const rule of RULES) {
      if (self && rule.test(self)) return rule.cause;
      if (rule.stack) {
        for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
          const frame = byId.get(up)?.callFrame;
          if (frame && rule.test(frame)) return rule.cause;
        }
      }
    }
    return OTHER;
  };

  const causes = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const cause = causeOf(id);
    causes.set(cause, (causes.get(cause) ?? 0) + us);
    const f = byId.get(id)?.callFrame;
    if (f) {
      const where = f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(components|scripts|bench)\//, "$1/");
      const key = `${f.functionName || "(anonymous)"} ${where}${where ? `:${f.lineNumber + 1}` : ""}`;
      fns.set(key, (fns.get(key) ?? 0) + us);
    }
  }
  const share = (us: number) => (total === 0 ? 0 : us / total);
  return {
    sampledMs: total / 1000,
    causes: [...causes].sort((a, b) => b[1] - a[1]).map(([cause, us]) => ({ cause, ms: us / 1000, share: share(us) })),
    hottest: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: share(us) })),
  };
}
