export const TENANT_LABEL = "openclaw.io/tenant";
/** The AWS tag naming the instance a backup role, bucket or key belongs to. */
export const INSTANCE_TAG = "openclaw.io/instance";
export const PART_OF = "openclaw-fleet";

export type Component = "gateway" | "metrics" | "backup" | "restore";

/** Labels that select an instance's pods; immutable once a StatefulSet exists. */
export function selectorLabels(tenant: string, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "openclaw",
    "app.kubernetes.io/instance": instance,
    [TENANT_LABEL]: tenant,
  };
}

export function instanceLabels(tenant: string, instance: string, component: Component = "gateway"): Record<string, string> {
  return {
    ...selectorLabels(tenant, instance),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

export function tenantLabels(tenant: string): Record<string, string> {
  return {
    [TENANT_LABEL]: tenant,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}
