import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";

/** A ResourceQuota for the tenant's namespace, or undefined when none is configured. */
export function buildResourceQuota(tenant: TenantModel): k8s.types.input.core.v1.ResourceQuota | undefined {
  const quota = tenant.spec.quota;
  if (quota === undefined) return undefined;
  const hard: Record<string, string> = {};
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined) hard[key] = String(value);
  };
  set("requests.cpu", quota.requestsCpu);
  set("requests.memory", quota.requestsMemory);
  set("limits.cpu", quota.limitsCpu);
  set("limits.memory", quota.limitsMemory);
  set("requests.storage", quota.requestsStorage);
  set("persistentvolumeclaims", quota.persistentVolumeClaims);
  set("pods", quota.pods);
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "openclaw-quota", namespace: tenant.namespace, labels: tenantLabels(tenant.name) },
    spec: { hard },
  };
}
