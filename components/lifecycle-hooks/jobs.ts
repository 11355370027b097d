/**
 * One-shot backup Jobs (pre-delete, pre-update, manual) made from an
 * instance's backup CronJob, as `kubectl create job --from=cronjob/…` would,
 * so they run the very pod template of the scheduled backups (identity,
 * security context, env, mounts). Pure.
 */
import type { V1Affinity, V1CronJob, V1Job } from "@kubernetes/client-node";
import { ENGINE_ENV, type SnapshotKind } from "../builders/backup/engine";
import { ENGINE_CONTAINER } from "../builders/backup/pod-template";

/** Label on one-shot Jobs: which kind of snapshot they write. */
export const SNAPSHOT_KIND_LABEL = "openclaw.io/snapshot-kind";
/** One-shot Jobs stay a week after they finish, for their logs and for the alerts. */
export const ONE_SHOT_TTL_SECONDS = 7 * 24 * 3600;

export type OneShotKind = Exclude<SnapshotKind, "periodic">;

/** `20261122T035012Z`: the engine's snapshot time format. */
export function snapshotStampOf(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/**
 * `<instance>-<kind>-<base36 seconds>`: unique per second, so a second backup
 * never reuses the Job of the first (the operator's fixed names did), and at
 * most 40 + 12 + 7 characters, within the 63 a Job's pod label allows.
 */
export function oneShotJobName(instance: string, kind: OneShotKind, ms: number): string {
  return `${instance}-${kind}-${Math.floor(ms / 1000).toString(36)}`;
}

export interface OneShotJobOptions {
  readonly kind: OneShotKind;
  /** When the Job is made; also the snapshot's time (OCB_NOW), so its path is known before it runs. */
  readonly nowMs: number;
  /**
   * `cold`: the instance is stopped, so the pod must not require its node
   * (required affinity to a pod that is gone would never schedule); its node
   * stays preferred, where the RWO volume was last attached.
   */
  readonly cold: boolean;
  /** Who asked, for `kubectl describe` (e.g. `pulumi pre-delete hook`, `openclaw-fleet backup now`). */
  readonly requestedBy: string;
}

export interface OneShotJob {
  readonly job: V1Job;
  readonly name: string;
  /** Bucket-relative snapshot path the Job writes: `<prefix><tenant>/<instance>/<kind>/<time>`. */
  readonly snapshot: string;
}

function envValue(job: V1Job, name: string): string | undefined {
  const container = job.spec?.template.spec?.containers.find((c) => c.name === ENGINE_CONTAINER);
  return container?.env?.find((e) => e.name === name)?.value;
}

function relaxAffinity(affinity: V1Affinity | undefined): V1Affinity | undefined {
  const required = affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (affinity === undefined || required === undefined) return affinity;
  return {
    ...affinity,
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: required.map((term) => ({ weight: 100, podAffinityTerm: term })),
    },
  };
}

/** A one-shot Job from a backup CronJob; throws when the CronJob is not one of ours. */
export function oneShotJobFromCronJob(cronJob: V1CronJob, options: OneShotJobOptions): OneShotJob {
  const where = `CronJob ${cronJob.metadata?.namespace ?? "?"}/${cronJob.metadata?.name ?? "?"}`;
  const template = cronJob.spec?.jobTemplate;
  const pod = template?.spec?.template;
  const engine = pod?.spec?.containers.find((c) => c.name === ENGINE_CONTAINER);
  if (template?.spec === undefined || pod?.spec === undefined || engine === undefined) {
    throw new Error(`${where} has no '${ENGINE_CONTAINER}' container: it is not an openclaw-fleet backup CronJob`);
  }
  const labels = cronJob.metadata?.labels ?? {};
  const instance = labels["app.kubernetes.io/instance"];
  if (instance === undefined) throw new Error(`${where} has no app.kubernetes.io/instance label`);
  const stamp = snapshotStampOf(options.nowMs);
  const env = (engine.env ?? []).filter((e) => e.name !== ENGINE_ENV.kind && e.name !== ENGINE_ENV.now);
  env.push({ name: ENGINE_ENV.kind, value: options.kind }, { name: ENGINE_ENV.now, value: stamp });
  const name = oneShotJobName(instance, options.kind, options.nowMs);
  const job: V1Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: cronJob.metadata?.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [SNAPSHOT_KIND_LABEL]: options.kind },
      annotations: { "openclaw.io/requested-by": options.requestedBy, "openclaw.io/from-cronjob": cronJob.metadata?.name ?? "" },
    },
    spec: {
      ...template.spec,
      ttlSecondsAfterFinished: ONE_SHOT_TTL_SECONDS,
      template: {
        ...pod,
        metadata: { ...pod.metadata, labels: { ...(pod.metadata?.labels ?? {}), [SNAPSHOT_KIND_LABEL]: options.kind } },
        spec: {
          ...pod.spec,
          affinity: options.cold ? relaxAffinity(pod.spec.affinity) : pod.spec.affinity,
          containers: pod.spec.containers.map((c) => (c.name === ENGINE_CONTAINER ? { ...c, env } : c)),
        },
      },
    },
  };
  const prefix = envValue(job, ENGINE_ENV.prefix) ?? "backups/";
  const tenant = envValue(job, ENGINE_ENV.tenant) ?? "?";
  const instanceName = envValue(job, ENGINE_ENV.instance) ?? instance;
  return { job, name, snapshot: `${prefix}${tenant}/${instanceName}/${options.kind}/${stamp}` };
}
