import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";

/** The annotation the EKS pod-identity webhook reads to give a pod a role through IRSA. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * The backup pods' own ServiceAccount, separate from the app's so that the
 * app never holds store access. No API token is mounted: the IRSA and Pod
 * Identity webhooks project their own, audience-bound tokens.
 */
export function buildBackupServiceAccount(
  instance: InstanceModel,
  irsaRoleArn?: pulumi.Input<string>,
): k8s.types.input.core.v1.ServiceAccount {
  const metadata = instanceMetadata(instance, instance.names.backupServiceAccount, "backup");
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: irsaRoleArn === undefined ? metadata : { ...metadata, annotations: { [IRSA_ROLE_ANNOTATION]: irsaRoleArn } },
    automountServiceAccountToken: false,
  };
}
