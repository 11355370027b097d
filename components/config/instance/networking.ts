import { z } from "zod";
import { CANVAS_PORT, GATEWAY_PORT, WEB_TERMINAL_PORT } from "../ports";
import { annotationMap, dnsLabel, port, portName } from "../primitives";

const protocol = z.enum(["TCP", "UDP", "SCTP"]);

export const service = z
  .object({
    type: z.enum(["ClusterIP", "LoadBalancer", "NodePort"]).default("ClusterIP"),
    annotations: annotationMap.default({}),
    /** When set, these replace the default ports (gateway, canvas and the enabled extras). */
    ports: z
      .array(
        z
          .object({
            name: portName,
            port,
            /** Default: `port`. */
            targetPort: port.optional(),
            protocol: protocol.default("TCP"),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()
  .prefault({});

const hostname = z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
  message: "is not a fully qualified host name (e.g. assistant.example.com)",
});

export const ingress = z
  .object({
    enabled: z.boolean().default(false),
    /** IngressClass; nginx (the default when unset) and traefik get the security settings below. */
    className: z.string().min(1).optional(),
    annotations: annotationMap.default({}),
    hosts: z
      .array(
        z
          .object({
            host: hostname,
            paths: z
              .array(
                z
                  .object({
                    path: z.string().startsWith("/").default("/"),
                    pathType: z.enum(["Prefix", "Exact", "ImplementationSpecific"]).default("Prefix"),
                    /** Service port; default: the gateway port. */
                    port: port.optional(),
                  })
                  .strict(),
              )
              .min(1)
              .default([{ path: "/", pathType: "Prefix" }]),
          })
          .strict(),
      )
      .default([]),
    tls: z.array(z.object({ hosts: z.array(hostname).min(1), secretName: dnsLabel("Secret name", 253) }).strict()).default([]),
    security: z
      .object({
        forceHTTPS: z.boolean().default(true),
        enableHSTS: z.boolean().default(true),
        rateLimiting: z
          .object({ enabled: z.boolean().default(true), requestsPerSecond: z.number().int().min(1).default(10) })
          .strict()
          .prefault({}),
        basicAuth: z
          .object({
            enabled: z.boolean().default(false),
            /** Secret with htpasswd lines under `auth` (nginx) or `users` (Traefik); no Secret is generated then. */
            existingSecret: dnsLabel("Secret name", 253).optional(),
            username: z
              .string()
              .regex(/^[^:\s]+$/, { message: "must not contain ':' or spaces" })
              .default("openclaw"),
            realm: z
              .string()
              .regex(/^[^"\\]*$/, { message: "must not contain quotes or backslashes" })
              .default("OpenClaw"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** The Service ports an instance exposes by default; `service.ports` replaces them. */
export function defaultServicePorts(spec: {
  observability: { metrics: { enabled: boolean; port: number } };
  webTerminal: { enabled: boolean };
}): number[] {
  const ports = [GATEWAY_PORT, CANVAS_PORT];
  if (spec.observability.metrics.enabled) ports.push(spec.observability.metrics.port);
  if (spec.webTerminal.enabled) ports.push(WEB_TERMINAL_PORT);
  return ports;
}

/** Which ingress controller an IngressClass name stands for; unset means nginx, as with the operator. */
export function ingressFlavor(className: string | undefined): "nginx" | "traefik" | "other" {
  if (className === undefined || className.includes("nginx")) return "nginx";
  if (className.includes("traefik")) return "traefik";
  return "other";
}
