import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";
import { NAMESPACE_OBJECT_PREFIX } from "../../config/names";
import { engineScripts } from "./engine";

/**
 * One ConfigMap of engine scripts per tenant namespace, shared by every
 * backup pod in it. The scripts are the same for every instance (all
 * settings travel in env), and at ~90 KB a copy per instance would put
 * 90 MB into etcd for 1,000 instances; one per namespace keeps it to the
 * number of tenants.
 */
export const ENGINE_CONFIG_MAP = `${NAMESPACE_OBJECT_PREFIX}backup-engine`;

/** sha256 of the engine files, so a Job can record which engine it ran (and change when it changes). */
export function engineChecksum(scripts: Readonly<Record<string, string>> = engineScripts()): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(scripts).sort()) hash.update(`${name}\0${scripts[name]}\0`);
  return hash.digest("hex");
}

/**
 * The engine scripts of a tenant's namespace, mounted read-only into every
 * backup pod there. The same files run unchanged on a host with rclone
 * (docs/backups.md).
 */
export function buildEngineConfigMap(
  tenant: TenantModel,
  scripts: Readonly<Record<string, string>> = engineScripts(),
): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ENGINE_CONFIG_MAP,
      namespace: tenant.namespace,
      labels: { ...tenantLabels(tenant.name), "app.kubernetes.io/name": "openclaw-backup", "app.kubernetes.io/component": "backup" },
      annotations: { "openclaw.io/engine-sha256": engineChecksum(scripts) },
    },
    data: { ...scripts },
  };
}
