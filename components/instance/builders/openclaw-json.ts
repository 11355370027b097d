import { deepMerge } from "../../config/merge";
import type { InstanceModel } from "../../config/model";
import { GATEWAY_PORT } from "../ports";

/**
 * The instance's openclaw.json. The gateway must listen on the pod network
 * and the Service port for the Service and probes to reach it; the user's
 * inline config is merged over these. The token is not here: it comes from a
 * Secret through OPENCLAW_GATEWAY_TOKEN, so the ConfigMap holds no secret.
 */
export function renderOpenclawJson(instance: InstanceModel): string {
  const base = { gateway: { mode: "local", bind: "lan", port: GATEWAY_PORT } };
  return `${JSON.stringify(sortKeys(deepMerge(base, instance.spec.config.raw)), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
