/**
 * `doctor`: the stack's backup path end to end, each check reported:
 *   config      the stack file validates
 *   bucket      each bucket answers (HeadBucket) with the operator's credentials
 *   round trip  an object is written, read back and deleted below the prefix;
 *               on AWS its encryption must be SSE-KMS (the key is usable)
 *   identity    per instance, a canary Job with the instance's own backup
 *               identity and network policy writes, reads and deletes one
 *               object below its own prefix (needs the cluster)
 */
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { V1CronJob, V1Job } from "@kubernetes/client-node";
import { ENGINE_CONTAINER } from "../components/builders/backup/pod-template";
import { snapshotStampOf, ONE_SHOT_TTL_SECONDS } from "../components/lifecycle-hooks/jobs";
import { runJob } from "../components/lifecycle-hooks/workload";
import type { Context } from "./context";
import { EXIT } from "./errors";
import { json, table } from "./output";

export interface DoctorCheck {
  readonly check: string;
  readonly target: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The canary, in the backup image's busybox sh; every name comes from the pod's env, nothing is interpolated here. */
export const CANARY_SCRIPT = [
  "set -eu",
  'key="${OCB_PREFIX}${OCB_TENANT}/${OCB_INSTANCE}/.openclaw-doctor/$(date -u +%Y%m%dT%H%M%SZ)-$$"',
  'printf "openclaw-doctor canary %s\\n" "$key" > /tmp/canary',
  'rclone --config "" copyto /tmp/canary "store:$OCB_BUCKET/$key" || { echo "write to $key failed" >&2; exit 3; }',
  'rclone --config "" cat "store:$OCB_BUCKET/$key" > /tmp/readback || { echo "read of $key failed" >&2; exit 3; }',
  'cmp -s /tmp/canary /tmp/readback || { echo "read back different bytes from $key" >&2; exit 5; }',
  'rclone --config "" deletefile "store:$OCB_BUCKET/$key" || { echo "delete of $key failed" >&2; exit 3; }',
  'echo "canary ok: $key"',
].join("\n");

/** The canary Job: the backup CronJob's pod (identity, env, security context), with no volume of the instance and a short script. Pure. */
export function canaryJob(cronJob: V1CronJob, nowMs: number): V1Job {
  const pod = cronJob.spec?.jobTemplate.spec?.template;
  const engine = pod?.spec?.containers.find((c) => c.name === ENGINE_CONTAINER);
  if (pod?.spec === undefined || engine === undefined)
    throw new Error(`CronJob ${cronJob.metadata?.name ?? "?"} is not an openclaw-fleet backup CronJob`);
  const instance = cronJob.metadata?.labels?.["app.kubernetes.io/instance"] ?? "instance";
  // Only scratch volumes: the canary must not wait for (or touch) the instance's RWO volume.
  const scratch = new Set((pod.spec.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name));
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${instance}-doctor-${Math.floor(nowMs / 1000).toString(36)}`,
      namespace: cronJob.metadata?.namespace,
      labels: { ...(pod.metadata?.labels ?? {}), "openclaw.io/doctor": snapshotStampOf(nowMs) },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 300,
      ttlSecondsAfterFinished: ONE_SHOT_TTL_SECONDS,
      template: {
        metadata: pod.metadata,
        spec: {
          ...pod.spec,
          affinity: undefined,
          initContainers: undefined,
          volumes: (pod.spec.volumes ?? []).filter((v) => scratch.has(v.name)),
          containers: [
            {
              ...engine,
              command: ["/bin/sh", "-c"],
              args: [CANARY_SCRIPT],
              volumeMounts: (engine.volumeMounts ?? []).filter((m) => scratch.has(m.name)),
            },
          ],
        },
      },
    },
  };
}

async function attempt(check: string, target: string, run: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { check, target, ok: true, detail: await run() };
  } catch (error) {
    const e = error as Error;
    return { check, target, ok: false, detail: `${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}` };
  }
}

export async function doctorChecks(ctx: Context, options: { cluster: boolean }): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    {
      check: "config",
      target: ctx.stack.file,
      ok: true,
      detail: `${ctx.stack.model.tenants.length} tenant(s), store ${ctx.stack.model.backup.store?.kind ?? "none"}`,
    },
  ];
  const progress = (c: DoctorCheck) => {
    ctx.out.err(`${c.ok ? "ok    " : "FAILED"} ${c.check} ${c.target}`);
    checks.push(c);
  };
  const store = await ctx.store();
  const buckets = await store.buckets();
  for (const bucket of buckets) {
    const reachable = await attempt("bucket", bucket, async () => {
      await store.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return `reachable (${store.describe})`;
    });
    progress(reachable);
    if (!reachable.ok) continue;
    progress(
      await attempt("round trip", `${bucket}/${store.prefix}.openclaw-doctor/`, async () => {
        const key = `${store.prefix}.openclaw-doctor/${snapshotStampOf(ctx.now)}-${process.pid}`;
        const body = `openclaw-doctor ${key}\n`;
        const put = await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        const got = await store.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = await (got.Body as { transformToString(): Promise<string> }).transformToString();
        await store.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        if (text !== body) throw new Error("read back different bytes");
        if (store.kind === "aws") {
          if (put.ServerSideEncryption !== "aws:kms")
            throw new Error(
              `written with ${put.ServerSideEncryption ?? "no"} encryption, not SSE-KMS: the bucket's default encryption is not the stack's KMS key`,
            );
          return `write, read, delete ok; SSE-KMS with ${put.SSEKMSKeyId ?? "the bucket key"} (KMS key usable)`;
        }
        return "write, read, delete ok (S3-compatible store: no KMS)";
      }),
    );
  }
  if (!options.cluster) return checks;
  const kube = ctx.kube();
  for (const tenant of ctx.stack.model.tenants) {
    for (const instance of tenant.instances) {
      if (!instance.spec.backup.enabled || !instance.spec.persistence.enabled) continue;
      progress(
        await attempt("identity", `${tenant.name}/${instance.name}`, async () => {
          const cronJob = await kube.readCronJob(instance.namespace, instance.names.backupCronJob);
          if (cronJob === undefined)
            throw new Error(`${instance.namespace}/${instance.names.backupCronJob} does not exist: deploy the stack first`);
          const job = canaryJob(cronJob, ctx.clock.now());
          const log = { info: (m: string) => ctx.out.err(`  ${m}`), warn: (m: string) => ctx.out.err(`  warning: ${m}`) };
          const outcome = await runJob(
            { kube, clock: ctx.clock, log, pollMs: 3000 },
            instance.namespace,
            job,
            ctx.clock.now() + 6 * 60_000,
            "6m",
          );
          if (outcome.result !== "succeeded") throw new Error(outcome.message);
          return `its own identity wrote, read and deleted ${store.prefix}${tenant.name}/${instance.name}/.openclaw-doctor/… (Job ${job.metadata?.name})`;
        }),
      );
    }
  }
  return checks;
}

export async function doctorCommand(ctx: Context, options: { cluster: boolean }): Promise<number> {
  const checks = await doctorChecks(ctx, options);
  if (ctx.json) ctx.out.out(json(checks));
  else
    ctx.out.out(
      table(
        ["CHECK", "TARGET", "RESULT", "DETAIL"],
        checks.map((c) => [c.check, c.target, c.ok ? "ok" : "FAILED", c.detail]),
      ),
    );
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.unhealthy;
}
