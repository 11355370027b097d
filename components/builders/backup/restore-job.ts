import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type { FleetModel, InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { restoreJobSpec } from "./job-spec";
import { buildBackupPodTemplate } from "./pod-template";
import { engineRestoreSpec } from "../../config/restore-source";
import type { BackupStoreRef } from "../store/ref";
import { restoreReadStore } from "./store-env";

export interface RestoreJobArgs {
  readonly fleet: FleetModel;
  readonly instance: InstanceModel;
  readonly store: BackupStoreRef;
}

/** The annotation that says, in plain words, what a restore Job restored. */
export const RESTORE_FROM_ANNOTATION = "openclaw.io/restore-from";
/** The Kubernetes provider's: replace the object on the next update when it failed to become ready. */
export const REPLACE_UNREADY_ANNOTATION = "pulumi.com/replaceUnready";

/** OCB_RESTORE_FROM of the instance's configured restore, or undefined when none is configured. */
export function restoreSpec(instance: InstanceModel): string | undefined {
  const source = instance.spec.backup.restoreFrom;
  return source === undefined ? undefined : engineRestoreSpec(source, instance.tenant);
}

/**
 * `<instance>-restore-<hash of the source>`: the same restoreFrom always
 * names the same Job, so `pulumi up` again finds it done and does nothing,
 * while a new source is a new Job and a new restore. (At most 40 + 19
 * characters, within the 63 a Job's pod label allows.)
 */
export function restoreJobName(instance: string, spec: string): string {
  return `${instance}-restore-${createHash("sha256").update(spec).digest("hex").slice(0, 10)}`;
}

/**
 * The restore of an instance's volume before its first start. It must be
 * created after the PVC and before the StatefulSet, which waits for it to
 * complete. No ttlSecondsAfterFinished: a Job garbage-collected after it
 * finished would look missing to Pulumi, which would then run it again.
 */
export function buildRestoreJob(args: RestoreJobArgs): k8s.types.input.batch.v1.Job | undefined {
  const { instance } = args;
  const spec = restoreSpec(instance);
  if (spec === undefined) return undefined;
  // With a bucket per instance a clone reads the source instance's bucket (restoreReadStore).
  const template = buildBackupPodTemplate({
    ...args,
    store: restoreReadStore(args),
    run: { command: "restore", from: spec },
    placement: "near-instance",
  });
  const metadata = instanceMetadata(instance, restoreJobName(instance.name, spec), "restore");
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      ...metadata,
      annotations: {
        [RESTORE_FROM_ANNOTATION]: spec,
        // A failed restore is retried by the next `pulumi up`: the Kubernetes provider replaces a Job that is not
        // ready (failed) instead of waiting on it again, and the preview shows that replacement.
        [REPLACE_UNREADY_ANNOTATION]: "true",
      },
    },
    spec: restoreJobSpec(instance, template),
  };
}
