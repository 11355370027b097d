/**
 * A restore into an instance that already runs (its `restoreFrom` changed):
 * the restore Job must never run while the app has the volume mounted. The
 * instance is stopped before the Job is created, started again after it
 * completed, and also after it failed: the engine verifies every byte before
 * it swaps anything, so a failed restore leaves the current data in place.
 */
import type { HookDeps } from "./kube";
import { describe, startInstance, stopInstance, type InstanceRef } from "./workload";

/** beforeCreate of the restore Job. A new instance has no StatefulSet yet: nothing to stop. */
export async function stopForRestore(deps: HookDeps, ref: InstanceRef, timeoutMs: number): Promise<void> {
  const result = await stopInstance(deps, ref, "restore", deps.clock.now() + timeoutMs);
  if (!result.found) deps.log.info(`${describe(ref)}: first start, restoring into the new volume`);
}

/**
 * afterCreate of the restore Job: the restored data is in place, the current
 * data moved aside by the engine. When the same run also changes the image
 * (a rollback: old image plus restoreFrom), the instance stays stopped: the
 * StatefulSet update that follows starts it on the configured image, so the
 * image being rolled back never runs on the restored data.
 */
export async function startAfterRestore(deps: HookDeps, ref: InstanceRef, configuredImage?: string): Promise<void> {
  const state = await deps.kube.readStatefulSet(ref.namespace, ref.statefulSet);
  if (configuredImage !== undefined && state?.appImage !== undefined && state.appImage !== configuredImage) {
    deps.log.info(`${describe(ref)}: restored; left stopped until its update from ${state.appImage} to ${configuredImage} starts it`);
    return;
  }
  if (await startInstance(deps, ref))
    deps.log.info(`${describe(ref)}: restored and started again; its previous data is kept in .pre-restore-<time> on the volume`);
}

/**
 * onError of the restore Job or the StatefulSet: start the instance again
 * when the hooks had stopped it, and never retry (a restore or an upgrade
 * that failed needs a person). Returns whether to retry.
 */
export async function restartAfterFailure(
  deps: HookDeps,
  ref: InstanceRef,
  operation: string,
  errors: readonly string[],
): Promise<boolean> {
  const restarted = await startInstance(deps, ref);
  const cause = errors[0] ?? "unknown error";
  deps.log.warn(
    restarted
      ? `${describe(ref)}: ${operation} failed (${cause}); started the instance again on its current data, which the failed step left untouched`
      : `${describe(ref)}: ${operation} failed (${cause})`,
  );
  return false;
}

/**
 * onError of the restore Job: the engine left the volume as it was, so the
 * instance is started again on its current data, and the failure says how it
 * is retried: the next `pulumi up` replaces the failed Job with a new attempt
 * (the Job carries `pulumi.com/replaceUnready`; the preview shows the
 * replacement). Never retried within this run: the cause needs a person.
 */
export async function restoreFailed(
  deps: HookDeps,
  ref: InstanceRef,
  job: { readonly namespace: string; readonly name: string; readonly source?: string },
  errors: readonly string[],
): Promise<boolean> {
  const who = describe(ref);
  const tail = await deps.kube.jobLogTail(job.namespace, job.name, 20).catch(() => undefined);
  const restarted = await startInstance(deps, ref);
  deps.log.warn(
    `${who}: the restore${job.source !== undefined ? ` from ${job.source}` : ""} failed (${providerErrorCause(errors[0])}).` +
      `${tail !== undefined && tail !== "" ? ` Its last log lines:\n${tail}\n` : " "}` +
      `${restarted ? "The instance runs again on its current data, which the failed restore left untouched. " : ""}` +
      `The next \`pulumi up\` replaces the failed Job ${job.namespace}/${job.name} with a new attempt (the preview shows the replacement); to give up instead, remove backup.restoreFrom.`,
  );
  return false;
}

/**
 * The cause in a Kubernetes provider error, without its framing: the lines
 * after "N errors occurred:", less the generic "was successfully created,
 * but … failed to initialize" one, joined on one line.
 */
export function providerErrorCause(error: string | undefined): string {
  if (error === undefined || error.trim() === "") return "unknown error";
  const lines = error
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s*/, "").trim())
    .filter(
      (line) =>
        line !== "" &&
        !/^\d+ errors? occurred:?$/.test(line) &&
        !/was successfully created, but the Kubernetes API server reported/.test(line),
    );
  return lines.length > 0 ? lines.join("; ") : error.trim();
}
