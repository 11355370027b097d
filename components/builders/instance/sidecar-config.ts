import type { InstanceModel } from "../../config/model";
import { GATEWAY_PORT, OTLP_HTTP_PORT } from "../../config/ports";
import { stableJson } from "./openclaw-json";

/** TS_SERVE_CONFIG: HTTPS on the tailnet name, proxied to the gateway; Funnel opens it to the internet. */
export function tailscaleServeConfig(instance: InstanceModel): string {
  const site = "${TS_CERT_DOMAIN}:443";
  const config: Record<string, unknown> = {
    TCP: { "443": { HTTPS: true } },
    Web: { [site]: { Handlers: { "/": { Proxy: `http://127.0.0.1:${GATEWAY_PORT}` } } } },
  };
  if (instance.spec.tailscale.mode === "funnel") config.AllowFunnel = { [site]: true };
  return stableJson(config);
}

/** The metrics collector: OTLP in on localhost, a Prometheus endpoint out on the metrics port. */
export function otelCollectorConfig(instance: InstanceModel): string {
  return [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      http:",
    `        endpoint: 127.0.0.1:${OTLP_HTTP_PORT}`,
    "exporters:",
    "  prometheus:",
    `    endpoint: 0.0.0.0:${instance.spec.observability.metrics.port}`,
    "service:",
    "  pipelines:",
    "    metrics:",
    "      receivers: [otlp]",
    "      exporters: [prometheus]",
    "",
  ].join("\n");
}
