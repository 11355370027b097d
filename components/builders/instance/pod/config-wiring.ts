import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../../config/model";
import { MANAGED_CONFIG_FILE } from "../config-map";
import { CONFIG_FILE, CONFIG_MOUNT_DIR, CONFIG_REF_MOUNT_DIR, STATE_DIR } from "../../../config/ports";

/** Where bootstrap.mjs reads the config from, and how it applies it (see scripts/bootstrap.mjs). */
export function configEnv(instance: InstanceModel): { name: string; value: string }[] {
  const config = instance.spec.config;
  const ref = config.configMapRef;
  const env = [
    { name: "OPENCLAW_STATE_DIR", value: STATE_DIR },
    { name: "CONFIG_SOURCE", value: ref === undefined ? `${CONFIG_MOUNT_DIR}/${CONFIG_FILE}` : `${CONFIG_REF_MOUNT_DIR}/${ref.key}` },
    { name: "CONFIG_FORMAT", value: config.format },
    { name: "CONFIG_MERGE_MODE", value: config.mergeMode },
  ];
  if (ref !== undefined) env.push({ name: "CONFIG_OVERLAY", value: `${CONFIG_MOUNT_DIR}/${MANAGED_CONFIG_FILE}` });
  return env;
}

/** The rendered ConfigMap, and the user's ConfigMap when config.configMapRef is set. */
export function configMounts(instance: InstanceModel): k8s.types.input.core.v1.VolumeMount[] {
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true }];
  if (instance.spec.config.configMapRef !== undefined) mounts.push({ name: "config-ref", mountPath: CONFIG_REF_MOUNT_DIR, readOnly: true });
  return mounts;
}
