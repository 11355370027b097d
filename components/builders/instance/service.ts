import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";
import { CANVAS_PORT, GATEWAY_PORT, WEB_TERMINAL_PORT } from "../../config/ports";

type ServicePort = k8s.types.input.core.v1.ServicePort;
type Service = k8s.types.input.core.v1.Service;

/**
 * Gateway and canvas, plus the web terminal when enabled; `service.ports`
 * replaces them all. Never metrics (their own ClusterIP Service) and never
 * Chromium's CDP port (unauthenticated browser control; the operator
 * publishes it).
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
  if (spec.webTerminal.enabled) ports.push({ name: "web-terminal", port: WEB_TERMINAL_PORT, targetPort: "web-terminal", protocol: "TCP" });
  return ports;
}

/** The clients' Service: ClusterIP by default, or the LoadBalancer/NodePort `service.type` asks for. */
export function buildService(instance: InstanceModel): Service {
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

/**
 * The StatefulSet's governing Service: headless (no virtual IP, no load
 * balancing), as `serviceName` requires, so each pod gets a stable DNS name.
 * It publishes the gateway port only for that record.
 */
export function buildHeadlessService(instance: InstanceModel): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: instanceMetadata(instance, featureNames(instance).headlessService),
    spec: {
      clusterIP: "None",
      selector: selectorLabels(instance.tenant, instance.name),
      ports: [{ name: "gateway", port: GATEWAY_PORT, targetPort: "gateway", protocol: "TCP" }],
    },
  };
}

/**
 * The metrics endpoint on a ClusterIP Service of its own, so that it is
 * never published by a LoadBalancer or NodePort client Service (the
 * collector's endpoint has no authentication). Undefined without metrics or
 * with `service.ports` (the user then chose every port).
 */
export function buildMetricsService(instance: InstanceModel): Service | undefined {
  const metrics = instance.spec.observability.metrics;
  if (!metrics.enabled || instance.spec.service.ports !== undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: instanceMetadata(instance, featureNames(instance).metricsService, "metrics"),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(instance.tenant, instance.name),
      ports: [{ name: "metrics", port: metrics.port, targetPort: "metrics", protocol: "TCP" }],
    },
  };
}
