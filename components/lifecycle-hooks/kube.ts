/**
 * The little of the Kubernetes API the lifecycle hooks and the fleet CLI
 * need, as an interface: the real one talks to the cluster through
 * @kubernetes/client-node (client.ts); tests pass a fake that records calls.
 */
import type { V1CronJob, V1Job } from "@kubernetes/client-node";

export type { V1CronJob, V1Job };

/** What the hooks read of a StatefulSet. */
export interface WorkloadState {
  readonly replicas: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** `spec.selector.matchLabels`: the instance's pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The image of the app container (`openclaw`) in the pod template. */
  readonly appImage?: string;
}

export interface JobCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** What the hooks read of a Job. */
export interface JobState {
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly conditions: readonly JobCondition[];
}

export interface LifecycleKube {
  /** undefined when the StatefulSet does not exist. */
  readStatefulSet(namespace: string, name: string): Promise<WorkloadState | undefined>;
  /** Through the scale subresource, as `kubectl scale` does. */
  scaleStatefulSet(namespace: string, name: string, replicas: number): Promise<void>;
  /** Merge-patches annotations; a null value removes the key. */
  annotateStatefulSet(namespace: string, name: string, annotations: Readonly<Record<string, string | null>>): Promise<void>;
  /** Pods matching the labels that still exist (running or terminating). */
  countPods(namespace: string, labels: Readonly<Record<string, string>>): Promise<number>;
  /** undefined when the CronJob does not exist. */
  readCronJob(namespace: string, name: string): Promise<V1CronJob | undefined>;
  createJob(namespace: string, job: V1Job): Promise<void>;
  /** Names of the PersistentVolumeClaims in a namespace. */
  listClaims(namespace: string): Promise<string[]>;
  /** undefined when the Job does not exist (never created, or deleted meanwhile). */
  readJob(namespace: string, name: string): Promise<JobState | undefined>;
  /** The last lines the Job's newest pod wrote (best effort, for error messages). */
  jobLogTail(namespace: string, jobName: string, lines: number): Promise<string | undefined>;
}

/** Time, injectable so that tests of timeouts do not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Where the hooks report progress: Pulumi's log in a deployment, a list in tests, stderr in the CLI. */
export interface HookLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a hook body needs from outside. */
export interface HookDeps {
  readonly kube: LifecycleKube;
  readonly clock: Clock;
  readonly log: HookLog;
  /** How often to poll a Job or the instance's pods. */
  readonly pollMs?: number;
}
