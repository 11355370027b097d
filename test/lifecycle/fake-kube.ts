// A LifecycleKube that keeps a tiny cluster in memory and records every call, plus a clock that
// only moves when the code under test sleeps: timeouts are tested without waiting.
import type { Clock, HookDeps, JobState, LifecycleKube, V1CronJob, V1Job, WorkloadState } from "../../components/lifecycle-hooks/kube";

export type JobScript = "complete" | "fail" | "hang" | "vanish";

export interface FakeStatefulSet {
  replicas: number;
  annotations: Record<string, string>;
  selector: Record<string, string>;
  /** Pods still present; a scale to 0 removes them after `podStopPolls` polls. */
  pods: number;
  appImage?: string;
}

export class FakeKube implements LifecycleKube {
  readonly calls: string[] = [];
  readonly statefulSets = new Map<string, FakeStatefulSet>();
  readonly cronJobs = new Map<string, V1CronJob>();
  readonly jobs = new Map<string, { job: V1Job; polls: number }>();
  /** What the next created Job does. */
  jobScript: JobScript = "complete";
  /** Polls a Job stays active before it finishes. */
  jobPolls = 2;
  /** Polls after a scale to 0 until the pod is gone; Infinity = a pod that never stops. */
  podStopPolls = 1;
  private podPolls = 0;

  addStatefulSet(namespace: string, name: string, state: Partial<FakeStatefulSet> = {}): FakeStatefulSet {
    const sts = { replicas: 1, annotations: {}, selector: { "app.kubernetes.io/instance": name }, pods: state.replicas ?? 1, ...state };
    this.statefulSets.set(`${namespace}/${name}`, sts);
    return sts;
  }

  async readStatefulSet(namespace: string, name: string): Promise<WorkloadState | undefined> {
    this.calls.push(`readStatefulSet ${namespace}/${name}`);
    const sts = this.statefulSets.get(`${namespace}/${name}`);
    return sts === undefined
      ? undefined
      : {
          replicas: sts.replicas,
          annotations: { ...sts.annotations },
          selector: { ...sts.selector },
          ...(sts.appImage !== undefined ? { appImage: sts.appImage } : {}),
        };
  }

  async scaleStatefulSet(namespace: string, name: string, replicas: number): Promise<void> {
    this.calls.push(`scale ${namespace}/${name} ${replicas}`);
    const sts = this.statefulSets.get(`${namespace}/${name}`);
    if (sts === undefined) throw Object.assign(new Error("not found"), { code: 404 });
    sts.replicas = replicas;
    if (replicas > 0) sts.pods = replicas;
    this.podPolls = 0;
  }

  async annotateStatefulSet(namespace: string, name: string, annotations: Readonly<Record<string, string | null>>): Promise<void> {
    this.calls.push(`annotate ${namespace}/${name} ${JSON.stringify(annotations)}`);
    const sts = this.statefulSets.get(`${namespace}/${name}`);
    if (sts === undefined) throw Object.assign(new Error("not found"), { code: 404 });
    for (const [k, v] of Object.entries(annotations)) {
      if (v === null) delete sts.annotations[k];
      else sts.annotations[k] = v;
    }
  }

  async countPods(namespace: string, labels: Readonly<Record<string, string>>): Promise<number> {
    this.calls.push(`countPods ${namespace}`);
    const sts = [...this.statefulSets.entries()].find(
      ([k, s]) => k.startsWith(`${namespace}/`) && Object.entries(labels).every(([l, v]) => s.selector[l] === v),
    )?.[1];
    if (sts === undefined) return 0;
    if (sts.replicas === 0 && sts.pods > 0 && ++this.podPolls > this.podStopPolls) sts.pods = 0;
    return sts.pods;
  }

  async readCronJob(namespace: string, name: string): Promise<V1CronJob | undefined> {
    this.calls.push(`readCronJob ${namespace}/${name}`);
    return this.cronJobs.get(`${namespace}/${name}`);
  }

  async createJob(namespace: string, job: V1Job): Promise<void> {
    this.calls.push(`createJob ${namespace}/${job.metadata?.name}`);
    this.jobs.set(`${namespace}/${job.metadata?.name}`, { job, polls: 0 });
  }

  async readJob(namespace: string, name: string): Promise<JobState | undefined> {
    this.calls.push(`readJob ${namespace}/${name}`);
    const entry = this.jobs.get(`${namespace}/${name}`);
    if (entry === undefined) return undefined;
    entry.polls++;
    const done = entry.polls > this.jobPolls;
    if (done && this.jobScript === "vanish") {
      this.jobs.delete(`${namespace}/${name}`);
      return undefined;
    }
    const conditions =
      done && this.jobScript === "complete"
        ? [{ type: "Complete", status: "True" }]
        : done && this.jobScript === "fail"
          ? [{ type: "Failed", status: "True", reason: "PodFailurePolicy", message: "Container engine for failed pod exited with code 3" }]
          : [];
    return {
      active: done ? 0 : 1,
      succeeded: conditions[0]?.type === "Complete" ? 1 : 0,
      failed: conditions[0]?.type === "Failed" ? 1 : 0,
      conditions,
    };
  }

  /** PersistentVolumeClaims by namespace. */
  readonly claims = new Map<string, string[]>();

  async listClaims(namespace: string): Promise<string[]> {
    this.calls.push(`listClaims ${namespace}`);
    return [...(this.claims.get(namespace) ?? [])].sort();
  }

  async jobLogTail(): Promise<string | undefined> {
    return "ocb[backup] ERROR: cannot list store:openclaw-backups/backups/acme/bot/";
  }

  /** The calls that change the cluster, in order. */
  writes(): string[] {
    return this.calls.filter((c) => /^(scale|annotate|createJob)/.test(c));
  }
}

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 22, 3, 50, 12)) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += Math.max(ms, 1);
  }
}

export interface Logged {
  info: string[];
  warn: string[];
}

export function fakeDeps(kube: FakeKube, clock = new FakeClock()): HookDeps & { logged: Logged } {
  const logged: Logged = { info: [], warn: [] };
  return { kube, clock, pollMs: 5000, log: { info: (m) => logged.info.push(m), warn: (m) => logged.warn.push(m) }, logged };
}
