import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { CANVAS_PORT, GATEWAY_PORT } from "../ports";

export function buildService(instance: InstanceModel): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: instanceMetadata(instance, instance.names.service),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(instance.tenant, instance.name),
      ports: [
        { name: "gateway", port: GATEWAY_PORT, targetPort: "gateway", protocol: "TCP" },
        { name: "canvas", port: CANVAS_PORT, targetPort: "canvas", protocol: "TCP" },
      ],
    },
  };
}
