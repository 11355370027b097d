import { z } from "zod";
import { labelMap, port } from "../primitives";
import { affinity, toleration, topologySpreadConstraint } from "./kubernetes";
import { sidecarImage } from "./image";

function probe(defaults: { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }) {
  return z
    .object({
      enabled: z.boolean().default(true),
      initialDelaySeconds: z.number().int().min(0).default(defaults.initialDelaySeconds),
      periodSeconds: z.number().int().min(1).default(defaults.periodSeconds),
      timeoutSeconds: z.number().int().min(1).default(defaults.timeoutSeconds),
      failureThreshold: z.number().int().min(1).default(defaults.failureThreshold),
    })
    .strict()
    .prefault({});
}

/** TCP checks on the gateway port, with the operator's timings. */
export const probes = z
  .object({
    liveness: probe({ initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    readiness: probe({ initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
    startup: probe({ initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 }),
  })
  .strict()
  .prefault({});

/** A link people open: http or https only (never javascript:, data: or file:). */
export const httpURL = z.url({
  protocol: /^https?$/,
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an http(s) URL (e.g. https://runbooks.example.com); links in alerts must open a web page`,
});

const duration = z.string().regex(/^([0-9]+(ms|s|m|h))+$/, { message: "is not a Prometheus duration (e.g. 30s, 1m)" });

export const observability = z
  .object({
    metrics: z
      .object({
        /** An OpenTelemetry Collector sidecar turns OpenClaw's OTLP metrics into a Prometheus endpoint. */
        enabled: z.boolean().default(false),
        port: port.default(9090),
        collectorImage: sidecarImage("otel/opentelemetry-collector-contrib"),
        serviceMonitor: z
          .object({ enabled: z.boolean().default(false), interval: duration.default("30s"), labels: labelMap.default({}) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    prometheusRule: z
      .object({
        enabled: z.boolean().default(false),
        labels: labelMap.default({}),
        runbookBaseURL: httpURL.default("https://openclaw.rocks/docs/runbooks"),
      })
      .strict()
      .prefault({}),
    grafanaDashboard: z
      .object({
        enabled: z.boolean().default(false),
        labels: labelMap.default({}),
        folder: z
          .string()
          .min(1)
          .refine(
            (f) =>
              !f.startsWith("/") &&
              !f.includes("\\") &&
              ![...f].some((c) => c.charCodeAt(0) < 0x20) &&
              f.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
            {
              message:
                "must be a folder name (or nested names joined by '/'), without '..', '.', a leading '/', '\\' or control characters: the dashboard sidecar writes the file under it",
            },
          )
          .default("OpenClaw"),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(["debug", "info", "warn", "error"]).default("info"), format: z.enum(["json", "text"]).default("json") })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const percent = z.number().int().min(1).max(100);

export const availability = z
  .object({
    podDisruptionBudget: z
      .object({ enabled: z.boolean().default(true), maxUnavailable: z.number().int().min(0).default(1) })
      .strict()
      .prefault({}),
    nodeSelector: labelMap.default({}),
    tolerations: z.array(toleration).default([]),
    affinity: affinity.optional(),
    topologySpreadConstraints: z.array(topologySpreadConstraint).default([]),
    /** Only for instances without persistent volumes: OpenClaw's state is single-writer. */
    autoScaling: z
      .object({
        enabled: z.boolean().default(false),
        minReplicas: z.number().int().min(1).default(1),
        maxReplicas: z.number().int().min(1).default(5),
        targetCPUUtilization: percent.default(80),
        targetMemoryUtilization: percent.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
