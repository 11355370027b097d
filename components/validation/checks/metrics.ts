import { CANVAS_PORT, CHROMIUM_PORT, GATEWAY_PORT, OLLAMA_PORT, OTLP_HTTP_PORT, WEB_TERMINAL_PORT } from "../../config/ports";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** The ports the program's own listeners take in the pod. */
const PROGRAM_PORTS: Readonly<Record<number, string>> = {
  [GATEWAY_PORT]: "the gateway port",
  [CANVAS_PORT]: "the canvas port",
  [WEB_TERMINAL_PORT]: "the web terminal's port",
  [CHROMIUM_PORT]: "Chromium's port",
  [OLLAMA_PORT]: "Ollama's port",
  [OTLP_HTTP_PORT]: "the collector's OTLP port",
};

export const metrics: ConfigCheck = {
  id: "metrics",
  refuses:
    "an `observability.metrics.port` one of the program's listeners already takes (gateway, canvas, web terminal, Chromium, Ollama, the collector's OTLP port), and a ServiceMonitor without metrics",
  example: {
    config: { tenants: { acme: { instances: { bot: { observability: { metrics: { serviceMonitor: { enabled: true } } } } } } } },
    path: "tenants.acme.instances.bot.observability.metrics.serviceMonitor.enabled",
    message: "needs observability.metrics.enabled: true (nothing to scrape otherwise)",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const { enabled, port, serviceMonitor } = spec.observability.metrics;
    if (enabled && PROGRAM_PORTS[port] !== undefined) {
      problems.push({
        path: ["observability", "metrics", "port"],
        message: `${port} is ${PROGRAM_PORTS[port]}; two listeners cannot share a port in one pod: pick another port for metrics (the default is 9090)`,
      });
    }
    if (serviceMonitor.enabled && !enabled) {
      problems.push({
        path: ["observability", "metrics", "serviceMonitor", "enabled"],
        message: "needs observability.metrics.enabled: true (nothing to scrape otherwise)",
      });
    }
    return problems;
  },
};
