import type * as k8s from "@pulumi/kubernetes";
import type { InstanceSpec } from "../../config/instance-schema";
import { CA_BUNDLE_PATH, STATE_DIR, WORKSPACE_DIR } from "../ports";

type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** The CA bundle, mounted into every container when `caBundle` is set. */
export function caBundleMounts(spec: InstanceSpec): VolumeMount[] {
  if (spec.caBundle === undefined) return [];
  return [{ name: "ca-bundle", mountPath: CA_BUNDLE_PATH, subPath: spec.caBundle.key, readOnly: true }];
}

/** Node (OpenClaw, npm, browserless) trusts the bundle in addition to its own roots. */
export function caBundleEnv(spec: InstanceSpec): EnvVar[] {
  return spec.caBundle === undefined ? [] : [{ name: "NODE_EXTRA_CA_CERTS", value: CA_BUNDLE_PATH }];
}

/** The instance's data: the state volume, and the workspace volume inside it when it is split off. */
export function dataMounts(spec: InstanceSpec, readOnly = false): VolumeMount[] {
  const ro = readOnly ? { readOnly: true } : {};
  const mounts: VolumeMount[] = [{ name: "state", mountPath: STATE_DIR, ...ro }];
  if (spec.workspaceVolume.enabled) mounts.push({ name: "workspace", mountPath: WORKSPACE_DIR, ...ro });
  return mounts;
}

export function resources(r: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }): k8s.types.input.core.v1.ResourceRequirements {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

export const TMP_MOUNT = (name: string): VolumeMount => ({ name, mountPath: "/tmp" });
