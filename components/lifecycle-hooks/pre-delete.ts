/**
 * Before an instance's StatefulSet is deleted (instance or tenant removed
 * from config, `pulumi destroy --run-program`, or a replacement): stop it,
 * take a cold `pre-delete` snapshot, and let the deletion go on only when
 * that worked, or when the instance's policy says to go on anyway.
 */
import { instanceNames } from "../config/names";
import { formatDuration } from "../config/duration";
import { oneShotJobFromCronJob } from "./jobs";
import type { PreDeletePolicy } from "./annotations";
import type { HookDeps } from "./kube";
import { describe, runJob, stopInstance, type InstanceRef } from "./workload";

export interface PreDeleteArgs {
  readonly ref: InstanceRef;
  /** undefined: the instance has no backups (nothing to do). */
  readonly policy: PreDeletePolicy | undefined;
  /** `backup.deleteTimeout`: for stopping and backing up together. */
  readonly timeoutMs: number;
}

export type PreDeleteResult =
  | { readonly status: "skipped"; readonly reason: string }
  | { readonly status: "backed-up"; readonly snapshot: string }
  | { readonly status: "proceeded-without-backup"; readonly reason: string };

/** Thrown to stop the deletion; its message is what `pulumi up` shows. */
export class DeletionAborted extends Error {}

export async function preDeleteBackup(deps: HookDeps, args: PreDeleteArgs): Promise<PreDeleteResult> {
  const { ref, policy } = args;
  const who = describe(ref);
  if (policy === undefined) return { status: "skipped", reason: `${who} has no backups configured` };
  if (policy === "skip") {
    deps.log.warn(`${who}: deleting without a pre-delete backup (backup.skipBackupOnDelete is true)`);
    return { status: "skipped", reason: "skipBackupOnDelete" };
  }
  const deadline = deps.clock.now() + args.timeoutMs;
  const fail = (cause: string): PreDeleteResult => {
    if (policy === "best-effort") {
      deps.log.warn(
        `${who}: the pre-delete backup failed (${cause}); deleting anyway because backup.onBackupFailure is proceed. The newest earlier snapshot is all that is left.`,
      );
      return { status: "proceeded-without-backup", reason: cause };
    }
    throw new DeletionAborted(
      `${who}: deletion aborted because its pre-delete backup failed: ${cause}\n` +
        `The instance is stopped and its volume is untouched. Fix the cause and run \`pulumi up\` again, or, to delete it without a backup, ` +
        `put the instance back in the config with backup.skipBackupOnDelete: true (or backup.onBackupFailure: proceed), run \`pulumi up\`, then remove it.`,
    );
  };

  const cronJobName = instanceNames(ref.instance).backupCronJob;
  const cronJob = await deps.kube.readCronJob(ref.namespace, cronJobName);
  if (cronJob === undefined)
    return fail(`its backup CronJob ${ref.namespace}/${cronJobName} does not exist, so there is no backup pod template to run`);

  let stop;
  try {
    stop = await stopInstance(deps, ref, "pre-delete backup", deadline);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!stop.found) deps.log.info(`${who}: its StatefulSet is already gone; backing up the volume as it is`);

  const oneShot = oneShotJobFromCronJob(cronJob, {
    kind: "pre-delete",
    nowMs: deps.clock.now(),
    cold: true,
    requestedBy: "pulumi pre-delete hook",
  });
  deps.log.info(`${who}: pre-delete backup to ${oneShot.snapshot} (waiting up to ${formatDuration(deadline - deps.clock.now())})`);
  const outcome = await runJob(deps, ref.namespace, oneShot.job, deadline, `backup.deleteTimeout (${formatDuration(args.timeoutMs)})`);
  if (outcome.result !== "succeeded") return fail(outcome.message);
  deps.log.info(`${who}: pre-delete snapshot complete: ${oneShot.snapshot}`);
  return { status: "backed-up", snapshot: oneShot.snapshot };
}
