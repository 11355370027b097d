import { deepMerge } from "../../config/merge";
import type { InstanceModel } from "../../config/model";
import { CHROMIUM_PORT, GATEWAY_PORT, OTLP_HTTP_PORT } from "../../config/ports";

/**
 * The settings this program manages in openclaw.json, from the instance's
 * options: the gateway must listen on the pod network and the Service port
 * for the Service and probes to reach it; enabled sidecars are wired in. The
 * user's own config is merged over these (user values win), at render time
 * for `config.raw` and at pod start for `config.configMapRef`. The token is
 * not here: it comes from a Secret through OPENCLAW_GATEWAY_TOKEN, so no
 * ConfigMap holds a secret. Every key here is checked against OpenClaw's own schema
 * (config/openclaw-config-schema.ts) and by `openclaw config validate` in the tests.
 */
export function managedConfig(instance: InstanceModel): Record<string, unknown> {
  const spec = instance.spec;
  const gateway: Record<string, unknown> = { mode: "local", bind: "lan", port: GATEWAY_PORT };
  if (spec.tailscale.enabled && spec.tailscale.authSSO) gateway.auth = { allowTailscale: true };
  const config: Record<string, unknown> = {
    gateway,
    logging: { level: spec.observability.logging.level, consoleStyle: spec.observability.logging.format === "json" ? "json" : "pretty" },
  };
  if (spec.chromium.enabled) {
    // Both profiles point at the sidecar: models often ask for "chrome" explicitly. Attach only:
    // the gateway must never try to launch a browser of its own in the app container.
    const profile = { cdpUrl: `http://127.0.0.1:${CHROMIUM_PORT}`, attachOnly: true };
    config.browser = { enabled: true, defaultProfile: "default", attachOnly: true, profiles: { default: profile, chrome: { ...profile } } };
  }
  if (spec.observability.metrics.enabled) {
    config.diagnostics = { otel: { metrics: true, endpoint: `http://127.0.0.1:${OTLP_HTTP_PORT}` } };
  }
  return config;
}

/** The effective openclaw.json for `config.raw`: the managed settings, then the user's config over them. */
export function openclawJson(instance: InstanceModel): unknown {
  return deepMerge(managedConfig(instance), instance.spec.config.raw ?? {});
}

export function renderOpenclawJson(instance: InstanceModel): string {
  return stableJson(openclawJson(instance));
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
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
