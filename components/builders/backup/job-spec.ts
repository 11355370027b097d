import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { ENGINE_EXIT_CODES } from "./engine";
import { ENGINE_CONTAINER } from "./pod-template";

/**
 * Exit codes after which a retry cannot help: bad configuration, a missing
 * snapshot, a failed verification (wrong passphrase, damaged object) or an
 * unsafe target. Only store errors (and crashes) are retried.
 */
export const NON_RETRYABLE_EXIT_CODES: readonly number[] = [
  ENGINE_EXIT_CODES.usage,
  ENGINE_EXIT_CODES.notFound,
  ENGINE_EXIT_CODES.verification,
  ENGINE_EXIT_CODES.targetNotSafe,
];

/**
 * The Job spec around a backup pod template, shared by the CronJob, the
 * restore Job and the one-shot Jobs: one deadline, one retry policy.
 */
export function backupJobSpec(
  instance: InstanceModel,
  template: k8s.types.input.core.v1.PodTemplateSpec,
): k8s.types.input.batch.v1.JobSpec {
  const backup = instance.spec.backup;
  return {
    backoffLimit: backup.backoffLimit,
    activeDeadlineSeconds: backup.activeDeadlineSeconds,
    podFailurePolicy: {
      rules: [
        { action: "FailJob", onExitCodes: { containerName: ENGINE_CONTAINER, operator: "In", values: [...NON_RETRYABLE_EXIT_CODES] } },
        // A node drain or preemption is not the backup's fault: retry without spending the backoff budget.
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      ],
    },
    template,
  };
}

/**
 * The Job spec of a restore, which Pulumi creates and waits for. The
 * Kubernetes provider ends that wait on a failed Job only when the Job failed
 * for `BackoffLimitExceeded` or `DeadlineExceeded` (cloud-ready-checks'
 * Job check): a FailJob rule's `PodFailurePolicy` reason would leave
 * `pulumi up` waiting out the whole timeout (the end-to-end suite saw it). So
 * no retry within the Job, and no FailJob rule: the first failure fails the
 * Job at once, for a reason the provider reports, and the next `pulumi up` is
 * the retry (the restore's error hook deletes the failed Job). A node drain
 * still does not count as a failure.
 */
export function restoreJobSpec(
  instance: InstanceModel,
  template: k8s.types.input.core.v1.PodTemplateSpec,
): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 0,
    activeDeadlineSeconds: instance.spec.backup.activeDeadlineSeconds,
    podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] },
    template,
  };
}
