/**
 * Before an instance's StatefulSet is updated to another image (tag or
 * digest): stop it, take a cold `pre-update` snapshot, and record its path
 * on the StatefulSet, where the stack output reads it. The update then
 * starts the new version. When the backup fails, the old version is started
 * again and the update does not happen.
 */
import { formatDuration } from "../config/duration";
import { oneShotJobFromCronJob } from "./jobs";
import { PRE_UPDATE_IMAGE_ANNOTATION, PRE_UPDATE_SNAPSHOT_ANNOTATION, type PreDeletePolicy } from "./annotations";
import { instanceNames } from "../config/names";
import type { HookDeps } from "./kube";
import { describe, runJob, startInstance, stopInstance, type InstanceRef } from "./workload";

export interface PreUpdateArgs {
  readonly ref: InstanceRef;
  readonly oldImage: string | undefined;
  readonly newImage: string | undefined;
  /** The instance's recorded backup policy; undefined when it has no backups. */
  readonly policy: PreDeletePolicy | undefined;
  readonly timeoutMs: number;
}

export type PreUpdateResult =
  { readonly status: "not-an-upgrade" } | { readonly status: "no-backups" } | { readonly status: "backed-up"; readonly snapshot: string };

/** Thrown to stop the update; its message is what `pulumi up` shows. */
export class UpdateAborted extends Error {}

export async function preUpdateBackup(deps: HookDeps, args: PreUpdateArgs): Promise<PreUpdateResult> {
  const { ref } = args;
  const who = describe(ref);
  if (args.oldImage === undefined || args.newImage === undefined || args.oldImage === args.newImage) return { status: "not-an-upgrade" };
  if (args.policy === undefined) {
    deps.log.warn(`${who}: image ${args.oldImage} -> ${args.newImage} without a pre-update backup: this instance has no backups`);
    return { status: "no-backups" };
  }
  const deadline = deps.clock.now() + args.timeoutMs;
  const abort = async (cause: string): Promise<never> => {
    // Leave the old version running: start it again if we stopped it.
    const restarted = await startInstance(deps, ref).catch((error: Error) => {
      deps.log.warn(`${who}: could not start the old version again: ${error.message}`);
      return false;
    });
    throw new UpdateAborted(
      `${who}: update to ${args.newImage} stopped because the pre-update backup failed: ${cause}\n` +
        `${restarted ? `${args.oldImage} is running again` : `${args.oldImage} was left as it was`}; nothing else changed. Fix the cause and run \`pulumi up\` again.`,
    );
  };

  const cronJobName = instanceNames(ref.instance).backupCronJob;
  const cronJob = await deps.kube.readCronJob(ref.namespace, cronJobName);
  if (cronJob === undefined) return abort(`its backup CronJob ${ref.namespace}/${cronJobName} does not exist`);
  try {
    await stopInstance(deps, ref, "pre-update backup", deadline);
  } catch (error) {
    return abort((error as Error).message);
  }
  const oneShot = oneShotJobFromCronJob(cronJob, {
    kind: "pre-update",
    nowMs: deps.clock.now(),
    cold: true,
    requestedBy: "pulumi pre-update hook",
  });
  deps.log.info(`${who}: pre-update backup of ${args.oldImage} to ${oneShot.snapshot}`);
  const outcome = await runJob(deps, ref.namespace, oneShot.job, deadline, `backup.deleteTimeout (${formatDuration(args.timeoutMs)})`);
  if (outcome.result !== "succeeded") return abort(outcome.message);
  await deps.kube.annotateStatefulSet(ref.namespace, ref.statefulSet, {
    [PRE_UPDATE_SNAPSHOT_ANNOTATION]: oneShot.snapshot,
    [PRE_UPDATE_IMAGE_ANNOTATION]: args.oldImage,
  });
  deps.log.info(
    `${who}: pre-update snapshot complete: ${oneShot.snapshot}; to roll back, set the image back to ${args.oldImage} and backup.restoreFrom: ${oneShot.snapshot}`,
  );
  return { status: "backed-up", snapshot: oneShot.snapshot };
}
