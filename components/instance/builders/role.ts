import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";

/** Read access to the instance's own config and gateway token, by name, and nothing else. */
export function buildRole(instance: InstanceModel): k8s.types.input.rbac.v1.Role {
  const secretNames = [instance.spec.gateway.existingSecret?.name ?? instance.names.gatewaySecret];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: instanceMetadata(instance, instance.names.role),
    rules: [
      { apiGroups: [""], resources: ["configmaps"], resourceNames: [instance.names.configMap], verbs: ["get"] },
      { apiGroups: [""], resources: ["secrets"], resourceNames: secretNames, verbs: ["get"] },
    ],
  };
}

export function buildRoleBinding(instance: InstanceModel): k8s.types.input.rbac.v1.RoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: instanceMetadata(instance, instance.names.role),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: instance.names.role },
    subjects: [{ kind: "ServiceAccount", name: instance.names.serviceAccount, namespace: instance.namespace }],
  };
}
