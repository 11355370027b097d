import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";

/** The ServiceAccount the pod runs as: the one created here, or `rbac.serviceAccountName`. */
export function serviceAccountName(instance: InstanceModel): string {
  return instance.spec.rbac.serviceAccountName ?? instance.names.serviceAccount;
}

/**
 * The app's ServiceAccount; undefined with `rbac.createServiceAccount: false`.
 * Annotations carry cloud identities (IRSA, Workload Identity). The token is
 * mounted only into pods given API rights (see the StatefulSet).
 */
export function buildServiceAccount(instance: InstanceModel): k8s.types.input.core.v1.ServiceAccount | undefined {
  const rbac = instance.spec.rbac;
  if (!rbac.createServiceAccount) return undefined;
  const metadata = instanceMetadata(instance, instance.names.serviceAccount);
  if (Object.keys(rbac.serviceAccountAnnotations).length > 0) metadata.annotations = { ...rbac.serviceAccountAnnotations };
  return { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: false };
}
