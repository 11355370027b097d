/**
 * Stopping and starting an instance, and running a Job to its end, against
 * the LifecycleKube interface. Every wait is bounded and every outcome is a
 * value the caller decides on; nothing here swallows an API error.
 */
import { formatDuration } from "../config/duration";
import { STOPPED_FOR_ANNOTATION, STOPPED_REPLICAS_ANNOTATION } from "./annotations";
import type { HookDeps, JobState, V1Job } from "./kube";

const DEFAULT_POLL_MS = 5000;
/** How often a long wait says it is still waiting. */
const PROGRESS_EVERY_MS = 60_000;

/** One instance, as the hooks address it. */
export interface InstanceRef {
  readonly tenant: string;
  readonly instance: string;
  readonly namespace: string;
  readonly statefulSet: string;
}

export function describe(ref: InstanceRef): string {
  return `${ref.tenant}/${ref.instance}`;
}

export type StopResult = { readonly found: false } | { readonly found: true; readonly previousReplicas: number };

/**
 * Scales the instance to zero and waits until none of its pods is left, so
 * that nothing has the volume mounted. Records the replicas to start it with
 * again on the StatefulSet first, so a run that dies half-way still knows.
 */
export async function stopInstance(deps: HookDeps, ref: InstanceRef, reason: string, deadlineMs: number): Promise<StopResult> {
  const { kube, log } = deps;
  const state = await kube.readStatefulSet(ref.namespace, ref.statefulSet);
  if (state === undefined) return { found: false };
  // Replicas at zero with our marker: an earlier stop of ours that never started it again. Keep its count.
  const marked = Number(state.annotations[STOPPED_REPLICAS_ANNOTATION]);
  const previousReplicas = state.replicas === 0 && Number.isInteger(marked) && marked >= 0 ? marked : state.replicas;
  await kube.annotateStatefulSet(ref.namespace, ref.statefulSet, {
    [STOPPED_REPLICAS_ANNOTATION]: String(previousReplicas),
    [STOPPED_FOR_ANNOTATION]: reason,
  });
  if (state.replicas > 0) {
    log.info(`${describe(ref)}: stopping (scale ${state.replicas} -> 0) for the ${reason}`);
    await kube.scaleStatefulSet(ref.namespace, ref.statefulSet, 0);
  } else {
    log.info(`${describe(ref)}: already at zero replicas`);
  }
  await waitUntil(
    deps,
    deadlineMs,
    `${describe(ref)}: waiting for its pod to stop`,
    async () => (await kube.countPods(ref.namespace, state.selector)) === 0,
    () =>
      new Error(
        `${describe(ref)}: its pod did not stop within the deadline; nothing was backed up or restored (check \`kubectl -n ${ref.namespace} get pods\` for a stuck finalizer or a node that is down)`,
      ),
  );
  return { found: true, previousReplicas };
}

/** Starts an instance the hooks stopped, with the replicas it had; a no-op when they did not stop it. */
export async function startInstance(deps: HookDeps, ref: InstanceRef): Promise<boolean> {
  const { kube, log } = deps;
  const state = await kube.readStatefulSet(ref.namespace, ref.statefulSet);
  if (state === undefined) return false;
  const marker = state.annotations[STOPPED_REPLICAS_ANNOTATION];
  if (marker === undefined) return false;
  const replicas = Number(marker);
  if (Number.isInteger(replicas) && replicas > 0 && state.replicas !== replicas) {
    log.info(`${describe(ref)}: starting again (scale 0 -> ${replicas})`);
    await kube.scaleStatefulSet(ref.namespace, ref.statefulSet, replicas);
  }
  await clearStopMarker(deps, ref);
  return true;
}

/** Forgets that the hooks stopped the instance (Pulumi's own update started it). */
export async function clearStopMarker(deps: HookDeps, ref: InstanceRef): Promise<void> {
  await deps.kube.annotateStatefulSet(ref.namespace, ref.statefulSet, {
    [STOPPED_REPLICAS_ANNOTATION]: null,
    [STOPPED_FOR_ANNOTATION]: null,
  });
}

/**
 * After an update: clears the stop marker if the live StatefulSet carries
 * one. Read from the cluster, not from the update's outputs, which the
 * provider may have read before the hooks' own patch.
 */
export async function clearStopMarkerAfterUpdate(deps: HookDeps, ref: InstanceRef): Promise<boolean> {
  const state = await deps.kube.readStatefulSet(ref.namespace, ref.statefulSet);
  if (state?.annotations[STOPPED_REPLICAS_ANNOTATION] === undefined) return false;
  await clearStopMarker(deps, ref);
  return true;
}

export type JobOutcome =
  | { readonly result: "succeeded" }
  | { readonly result: "failed"; readonly message: string }
  | { readonly result: "timeout"; readonly message: string }
  | { readonly result: "missing"; readonly message: string };

function condition(state: JobState, type: string) {
  return state.conditions.find((c) => c.type === type && c.status === "True");
}

/** Creates the Job and waits for it to complete or fail, or for the deadline. */
export async function runJob(
  deps: HookDeps,
  namespace: string,
  job: V1Job,
  deadlineMs: number,
  deadlineName = "its deadline",
): Promise<JobOutcome> {
  const { kube, clock, log } = deps;
  const name = job.metadata?.name ?? "";
  await kube.createJob(namespace, job);
  log.info(`Job ${namespace}/${name} created`);
  const started = clock.now();
  let lastProgress = started;
  for (;;) {
    const state = await kube.readJob(namespace, name);
    if (state === undefined) {
      return {
        result: "missing",
        message: `Job ${namespace}/${name} disappeared before it finished (deleted by someone, or its namespace is being deleted)`,
      };
    }
    if (condition(state, "Complete") !== undefined) return { result: "succeeded" };
    const failed = condition(state, "Failed");
    if (failed !== undefined) {
      const tail = await kube.jobLogTail(namespace, name, 5).catch(() => undefined);
      const why = [failed.reason, failed.message].filter(Boolean).join(": ");
      return {
        result: "failed",
        message: `Job ${namespace}/${name} failed${why ? ` (${why})` : ""}${tail ? `; last log lines:\n${tail}` : ""}`,
      };
    }
    const now = clock.now();
    if (now >= deadlineMs) {
      return {
        result: "timeout",
        message: `Job ${namespace}/${name} did not finish within ${deadlineName} (waited ${formatDuration(now - started)}); it keeps running, see \`kubectl -n ${namespace} logs job/${name}\``,
      };
    }
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      log.info(
        `Job ${namespace}/${name}: still running after ${formatDuration(now - started)} (${state.active} active, ${state.failed} failed attempts)`,
      );
      lastProgress = now;
    }
    await clock.sleep(Math.min(deps.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadlineMs - now)));
  }
}

async function waitUntil(
  deps: HookDeps,
  deadlineMs: number,
  what: string,
  done: () => Promise<boolean>,
  timeout: () => Error,
): Promise<void> {
  const { clock, log } = deps;
  const started = clock.now();
  let lastProgress = started;
  while (!(await done())) {
    const now = clock.now();
    if (now >= deadlineMs) throw timeout();
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      log.info(`${what} (${formatDuration(now - started)})`);
      lastProgress = now;
    }
    await clock.sleep(Math.min(deps.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadlineMs - now)));
  }
}
