/**
 * What the lifecycle hooks keep on an instance's StatefulSet. A deleted
 * instance is no longer in the config, so its pre-delete policy travels with
 * the object being deleted: Pulumi hands the hook the last applied inputs.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FleetModel, InstanceModel } from "../config/model";
import { backupSources } from "../builders/kube/volumes";

/** `required` (abort the deletion when the backup fails), `best-effort` (proceed) or `skip`. */
export const PRE_DELETE_ANNOTATION = "openclaw.io/pre-delete-backup";
/** Set by the hooks while they hold the instance stopped: the replicas to start it with again. */
export const STOPPED_REPLICAS_ANNOTATION = "openclaw.io/stopped-replicas";
/** Why the hooks stopped the instance (shown by `kubectl describe`). */
export const STOPPED_FOR_ANNOTATION = "openclaw.io/stopped-for";
/** The snapshot taken before the last image change: roll back with the old image plus `restoreFrom: <this>`. */
export const PRE_UPDATE_SNAPSHOT_ANNOTATION = "openclaw.io/pre-update-snapshot";
/** The image that was running when the pre-update snapshot was taken. */
export const PRE_UPDATE_IMAGE_ANNOTATION = "openclaw.io/pre-update-image";
/**
 * The hooks scale the StatefulSet through its scale subresource, which makes
 * them a field manager of `spec.replicas`. Pulumi is the only intended owner
 * of the object, so its server-side apply takes the field back instead of
 * failing on the conflict.
 */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

export type PreDeletePolicy = "required" | "best-effort" | "skip";

/** Whether the instance has backups at all: a store, backups on, and a volume to back up. */
export function instanceHasBackups(fleet: Pick<FleetModel, "backup">, instance: InstanceModel): boolean {
  return fleet.backup.enabled && fleet.backup.store !== undefined && instance.spec.backup.enabled && backupSources(instance).length > 0;
}

export function preDeletePolicy(instance: InstanceModel): PreDeletePolicy {
  const backup = instance.spec.backup;
  if (backup.skipBackupOnDelete) return "skip";
  return backup.onBackupFailure === "proceed" ? "best-effort" : "required";
}

/** Annotations the StatefulSet of an instance carries for the hooks. Pure. */
export function lifecycleAnnotations(fleet: Pick<FleetModel, "backup">, instance: InstanceModel): Record<string, string> {
  if (!instanceHasBackups(fleet, instance)) return {};
  // patchForce only here: these are the StatefulSets the hooks scale (pre-update and restore stop the
  // instance through the scale subresource), the one field-manager conflict Pulumi is expected to hit.
  // An instance without backups is never scaled by anyone but Pulumi, so a conflict there is a real
  // change made by someone else, and must fail the update rather than be overwritten.
  return { [PRE_DELETE_ANNOTATION]: preDeletePolicy(instance), [PATCH_FORCE_ANNOTATION]: "true" };
}

/** The policy recorded on a StatefulSet, or undefined when it carries none (an instance without backups). */
export function recordedPreDeletePolicy(annotations: Readonly<Record<string, string>> | undefined): PreDeletePolicy | undefined {
  const value = annotations?.[PRE_DELETE_ANNOTATION];
  return value === "required" || value === "best-effort" || value === "skip" ? value : undefined;
}

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;

/** The StatefulSet with the lifecycle annotations added to what its builder set. Pure. */
export function withLifecycleAnnotations(
  statefulSet: k8s.types.input.apps.v1.StatefulSet,
  fleet: Pick<FleetModel, "backup">,
  instance: InstanceModel,
): k8s.types.input.apps.v1.StatefulSet {
  const extra = lifecycleAnnotations(fleet, instance);
  if (Object.keys(extra).length === 0) return statefulSet;
  const merge = (meta: ObjectMeta): ObjectMeta => ({
    ...meta,
    annotations: meta.annotations === undefined ? extra : pulumi.output(meta.annotations).apply((own) => ({ ...own, ...extra })),
  });
  const meta = statefulSet.metadata;
  if (meta === undefined || (!pulumi.Output.isInstance(meta) && !(meta instanceof Promise)))
    return { ...statefulSet, metadata: merge(meta ?? {}) };
  return { ...statefulSet, metadata: pulumi.output(meta).apply((m) => merge(m as ObjectMeta)) };
}
