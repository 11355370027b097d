import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { BOOTSTRAP_FILE, BOOTSTRAP_SCRIPT, SKILLS_FILE, SKILLS_SCRIPT, STATE_LAYOUT_FILE, STATE_LAYOUT_SCRIPT } from "./assets";
import { instanceMetadata } from "../kube/metadata";
import { CONFIG_FILE } from "../../config/ports";
import { managedConfig, renderOpenclawJson, stableJson } from "./openclaw-json";
import { otelCollectorConfig, tailscaleServeConfig } from "./sidecar-config";

export const MANAGED_CONFIG_FILE = "managed.json";
export const TAILSCALE_SERVE_FILE = "tailscale-serve.json";
export const OTEL_COLLECTOR_FILE = "otel-collector.yaml";

/** Everything the instance's containers read at start that this program renders. */
export function configMapData(instance: InstanceModel): Record<string, string> {
  const spec = instance.spec;
  const data: Record<string, string> = { [BOOTSTRAP_FILE]: BOOTSTRAP_SCRIPT, [STATE_LAYOUT_FILE]: STATE_LAYOUT_SCRIPT };
  // With configMapRef the user's file is only seen in the pod, so the managed settings travel separately.
  if (spec.config.configMapRef === undefined) data[CONFIG_FILE] = renderOpenclawJson(instance);
  else data[MANAGED_CONFIG_FILE] = stableJson(managedConfig(instance));
  if (spec.skills.length > 0) data[SKILLS_FILE] = SKILLS_SCRIPT;
  if (spec.tailscale.enabled) data[TAILSCALE_SERVE_FILE] = tailscaleServeConfig(instance);
  if (spec.observability.metrics.enabled) data[OTEL_COLLECTOR_FILE] = otelCollectorConfig(instance);
  return data;
}

export function buildConfigMap(instance: InstanceModel): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: instanceMetadata(instance, instance.names.configMap),
    data: configMapData(instance),
  };
}
