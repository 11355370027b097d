import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../config/model";
import { instanceMetadata } from "../instance/metadata";
import { engineScripts } from "./engine";

/** sha256 of the engine files, so a Job can record which engine it ran (and change when it changes). */
export function engineChecksum(scripts: Readonly<Record<string, string>> = engineScripts()): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(scripts).sort()) hash.update(`${name}\0${scripts[name]}\0`);
  return hash.digest("hex");
}

/**
 * The engine scripts, mounted read-only into every backup pod of the
 * instance. The same files run unchanged on a host with rclone (docs/backups.md).
 */
export function buildEngineConfigMap(instance: InstanceModel, scripts: Readonly<Record<string, string>> = engineScripts()): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      ...instanceMetadata(instance, instance.names.backupScripts, "backup"),
      annotations: { "openclaw.io/engine-sha256": engineChecksum(scripts) },
    },
    data: { ...scripts },
  };
}
