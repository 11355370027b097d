import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { CANVAS_PORT, GATEWAY_PORT, WEB_TERMINAL_PORT } from "../ports";

type ServicePort = k8s.types.input.core.v1.ServicePort;

/**
 * Gateway and canvas, plus metrics and the web terminal when enabled;
 * `service.ports` replaces them all. Chromium's CDP port is never exposed
 * (unauthenticated browser control; the operator publishes it).
 */
export function servicePorts(instance: InstanceModel): ServicePort[] {
  const spec = instance.spec;
  if (spec.service.ports !== undefined) {
    return spec.service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol }));
  }
  const ports: ServicePort[] = [
    { name: "gateway", port: GATEWAY_PORT, targetPort: "gateway", protocol: "TCP" },
    { name: "canvas", port: CANVAS_PORT, targetPort: "canvas", protocol: "TCP" },
  ];
  if (spec.observability.metrics.enabled) ports.push({ name: "metrics", port: spec.observability.metrics.port, targetPort: "metrics", protocol: "TCP" });
  if (spec.webTerminal.enabled) ports.push({ name: "web-terminal", port: WEB_TERMINAL_PORT, targetPort: "web-terminal", protocol: "TCP" });
  return ports;
}

export function buildService(instance: InstanceModel): k8s.types.input.core.v1.Service {
  const service = instance.spec.service;
  const metadata = instanceMetadata(instance, instance.names.service);
  if (Object.keys(service.annotations).length > 0) metadata.annotations = { ...service.annotations };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: {
      type: service.type,
      selector: selectorLabels(instance.tenant, instance.name),
      ports: servicePorts(instance),
    },
  };
}
