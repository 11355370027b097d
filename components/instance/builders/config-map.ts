import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { CONFIG_FILE } from "../ports";
import { renderOpenclawJson } from "./openclaw-json";

export function buildConfigMap(instance: InstanceModel): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: instanceMetadata(instance, instance.names.configMap),
    data: { [CONFIG_FILE]: renderOpenclawJson(instance) },
  };
}
