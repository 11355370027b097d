import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";

/**
 * The app's ServiceAccount. OpenClaw never calls the Kubernetes API, so no
 * token is mounted; it has no cloud identity either (backups use their own).
 */
export function buildServiceAccount(instance: InstanceModel): k8s.types.input.core.v1.ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: instanceMetadata(instance, instance.names.serviceAccount),
    automountServiceAccountToken: false,
  };
}
