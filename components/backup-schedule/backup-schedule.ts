import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildBackupCronJob } from "../builders/backup/cron-job";
import type { BackupStoreRef } from "../builders/store/ref";
import type { FleetModel, InstanceModel } from "../config/model";

export interface BackupScheduleArgs {
  /** The stack's backup settings and cluster, which the backup pods are built from. */
  readonly fleet: FleetModel;
  /** The instance whose volumes the schedule backs up. */
  readonly instance: InstanceModel;
  /** Where its snapshots go. */
  readonly store: BackupStoreRef;
  /** What every run needs first: the tenant Namespace, the backup identity, scripts, passphrase and NetworkPolicy, a restore. */
  readonly dependsOn: readonly pulumi.Input<pulumi.Resource>[];
}

/**
 * The periodic backup of one instance: a CronJob whose runs each take one point-in-time
 * snapshot, from the instance's one backup pod template.
 */
export class BackupSchedule extends pulumi.ComponentResource {
  public readonly cronJob: k8s.batch.v1.CronJob;

  constructor(name: string, args: BackupScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupSchedule", name, {}, opts);
    this.cronJob = new k8s.batch.v1.CronJob(name, buildBackupCronJob({ fleet: args.fleet, instance: args.instance, store: args.store }), {
      parent: this,
      dependsOn: [...args.dependsOn],
      // Before this component existed the CronJob was a child of InstanceBackup: the alias keeps it, not a replacement.
      aliases: opts?.parent !== undefined ? [{ parent: opts.parent }] : [],
    });
    this.registerOutputs({ cronJob: this.cronJob.metadata.name });
  }
}
