import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { gatewayTokenRef } from "./gateway-secret";
import { serviceAccountName } from "./service-account";

/**
 * Whether the app calls the Kubernetes API: only `rbac.additionalRules` make
 * it, and only then is a token mounted and a Role bound. Without them a Role
 * would be rights nobody can use, and one more object to audit.
 */
export function appCallsApi(instance: InstanceModel): boolean {
  return instance.spec.rbac.additionalRules.length > 0;
}

/** Read access to the instance's own config and gateway token, by name, then `rbac.additionalRules`; undefined without API use. */
export function buildRole(instance: InstanceModel): k8s.types.input.rbac.v1.Role | undefined {
  if (!appCallsApi(instance)) return undefined;
  const spec = instance.spec;
  const configMaps = [instance.names.configMap, ...(spec.config.configMapRef !== undefined ? [spec.config.configMapRef.name] : [])];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: instanceMetadata(instance, instance.names.role),
    rules: [
      { apiGroups: [""], resources: ["configmaps"], resourceNames: configMaps, verbs: ["get"] },
      { apiGroups: [""], resources: ["secrets"], resourceNames: [gatewayTokenRef(instance).name], verbs: ["get"] },
      ...spec.rbac.additionalRules.map((rule) => ({
        apiGroups: [...rule.apiGroups],
        resources: [...rule.resources],
        verbs: [...rule.verbs],
        ...(rule.resourceNames !== undefined ? { resourceNames: [...rule.resourceNames] } : {}),
      })),
    ],
  };
}

export function buildRoleBinding(instance: InstanceModel): k8s.types.input.rbac.v1.RoleBinding | undefined {
  if (!appCallsApi(instance)) return undefined;
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: instanceMetadata(instance, instance.names.role),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: instance.names.role },
    subjects: [{ kind: "ServiceAccount", name: serviceAccountName(instance), namespace: instance.namespace }],
  };
}
