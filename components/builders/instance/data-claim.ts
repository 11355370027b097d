import type * as k8s from "@pulumi/kubernetes";
import type { VolumeSettings } from "../../config/instance/storage";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/**
 * A standalone PVC rather than a volumeClaimTemplate, so that Pulumi owns its
 * lifecycle: kept on removal (`orphan`) by default. None when the volume is
 * off or an existing claim is used.
 */
function buildClaim(instance: InstanceModel, name: string, v: VolumeSettings): k8s.types.input.core.v1.PersistentVolumeClaim | undefined {
  if (!v.enabled || v.existingClaim !== undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: instanceMetadata(instance, name),
    spec: {
      accessModes: [...v.accessModes],
      ...(v.storageClass !== undefined ? { storageClassName: v.storageClass } : {}),
      resources: { requests: { storage: v.size } },
    },
  };
}

/** The state volume (`~/.openclaw`). */
export function buildDataClaim(instance: InstanceModel): k8s.types.input.core.v1.PersistentVolumeClaim | undefined {
  return buildClaim(instance, instance.names.dataClaim, instance.spec.persistence);
}

/** The separate workspace volume (`~/.openclaw/workspace`). */
export function buildWorkspaceClaim(instance: InstanceModel): k8s.types.input.core.v1.PersistentVolumeClaim | undefined {
  return buildClaim(instance, featureNames(instance).workspaceClaim, instance.spec.workspaceVolume);
}
