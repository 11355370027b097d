import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";

/**
 * The state volume. It is a standalone PVC rather than a volumeClaimTemplate
 * so that Pulumi owns its lifecycle: kept on removal (`orphan`) by default.
 */
export function buildDataClaim(instance: InstanceModel): k8s.types.input.core.v1.PersistentVolumeClaim | undefined {
  const persistence = instance.spec.persistence;
  if (!persistence.enabled) return undefined;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: instanceMetadata(instance, instance.names.dataClaim),
    spec: {
      accessModes: [...persistence.accessModes],
      storageClassName: persistence.storageClass,
      resources: { requests: { storage: persistence.size } },
    },
  };
}
