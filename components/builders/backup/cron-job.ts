import type * as k8s from "@pulumi/kubernetes";
import type { FleetModel, InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { backupJobSpec } from "./job-spec";
import { backupPodLabels } from "./labels";
import { buildBackupPodTemplate } from "./pod-template";
import { toCron } from "../../config/schedule-syntax";
import type { BackupStoreRef } from "../store/ref";

export interface BackupScheduleArgs {
  readonly fleet: FleetModel;
  readonly instance: InstanceModel;
  readonly store: BackupStoreRef;
}

/**
 * The periodic backup of an instance: one point-in-time snapshot per run,
 * pruned by retention afterwards. Never two runs at once (Forbid), a run that
 * cannot start in time is skipped rather than piled up, and the schedule is
 * suspended while the instance is scaled to zero (the pod must share the
 * running instance's node to mount its RWO volume).
 */
export function buildBackupCronJob(args: BackupScheduleArgs): k8s.types.input.batch.v1.CronJob {
  const { instance } = args;
  const backup = instance.spec.backup;
  const template = buildBackupPodTemplate({ ...args, run: { command: "backup", kind: "periodic" }, placement: "with-instance" });
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: instanceMetadata(instance, instance.names.backupCronJob, "backup"),
    spec: {
      schedule: toCron(backup.schedule, `${instance.tenant}/${instance.name}`),
      ...(backup.timeZone !== undefined ? { timeZone: backup.timeZone } : {}),
      concurrencyPolicy: "Forbid",
      suspend: instance.spec.replicas === 0,
      startingDeadlineSeconds: backup.startingDeadlineSeconds,
      successfulJobsHistoryLimit: backup.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: backup.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: backupPodLabels(instance.tenant, instance.name, "backup") },
        spec: backupJobSpec(instance, template),
      },
    },
  };
}
