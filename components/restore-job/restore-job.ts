import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Time Pulumi gives a restore on top of the Job's own deadline: scheduling, volume attach, image pulls. */
const RESTORE_AWAIT_MARGIN_SECONDS = 600;

export interface RestoreJobArgs {
  /** The Job, from builders/backup/restore-job.ts: its name carries the source it restores. */
  readonly job: k8s.types.input.batch.v1.Job;
  /** The Job's own deadline (`backup.activeDeadlineSeconds`); Pulumi waits that long plus a margin. */
  readonly activeDeadlineSeconds: number;
  /** The claims it restores into and everything its pod needs (identity, scripts, passphrase, NetworkPolicy). */
  readonly dependsOn: readonly pulumi.Input<pulumi.Resource>[];
  /** Stop the instance before, start it after (lifecycle-hooks/restore.ts); absent where hooks cannot act. */
  readonly hooks?: pulumi.ResourceHookBinding;
}

/**
 * One restore of an instance's volumes from a snapshot (`backup.restoreFrom`), run once, before
 * the app starts on the volume; the StatefulSet waits for it.
 */
export class RestoreJob extends pulumi.ComponentResource {
  public readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: RestoreJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:RestoreJob", name, {}, opts);
    const timeout = `${args.activeDeadlineSeconds + RESTORE_AWAIT_MARGIN_SECONDS}s`;
    this.job = new k8s.batch.v1.Job(name, args.job, {
      parent: this,
      dependsOn: [...args.dependsOn],
      // The Job's name carries the source; nothing else may re-run a restore over live data.
      // A new image or new resources would otherwise replace the (immutable) Job and restore again.
      ignoreChanges: ["spec"],
      customTimeouts: { create: timeout, update: timeout },
      hooks: args.hooks,
      // Before this component existed the Job was a child of InstanceBackup: the alias keeps it, not a second restore.
      aliases: opts?.parent !== undefined ? [{ parent: opts.parent }] : [],
    });
    this.registerOutputs({ job: this.job.metadata.name });
  }
}
