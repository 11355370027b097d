import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";

type Pair = { cpu?: string; memory?: string } | undefined;

function compact(pair: Pair): Record<string, string> | undefined {
  if (pair === undefined) return undefined;
  const out: Record<string, string> = {};
  if (pair.cpu !== undefined) out.cpu = pair.cpu;
  if (pair.memory !== undefined) out.memory = pair.memory;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A LimitRange giving containers default requests/limits, or undefined when none is configured. */
export function buildLimitRange(tenant: TenantModel): k8s.types.input.core.v1.LimitRange | undefined {
  const range = tenant.spec.limitRange;
  if (range === undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "openclaw-limits", namespace: tenant.namespace, labels: tenantLabels(tenant.name) },
    spec: {
      limits: [
        {
          type: "Container",
          defaultRequest: compact(range.defaultRequest),
          default: compact(range.default),
          max: compact(range.max),
        },
      ],
    },
  };
}
