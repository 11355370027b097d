import type * as k8s from "@pulumi/kubernetes";
import type { InstanceSpec } from "../../../config/instance-schema";
import { CA_BUNDLE_PATH, STATE_DIR, STATE_FOLDER, WORKSPACE_DIR } from "../../../config/ports";

type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type EnvVar = k8s.types.input.core.v1.EnvVar;

type Container = k8s.types.input.core.v1.Container;

/**
 * `caBundle` reaches every container of the pod, ours and the user's, from this one place: the
 * bundle mounted into /etc/ssl/certs (Go programs such as Tailscale and Ollama read every file
 * there, in addition to their roots) and NODE_EXTRA_CA_CERTS for Node (OpenClaw, npm,
 * browserless), which also only adds to the built-in roots. A container that sets the variable or
 * mounts that path itself keeps its own.
 */
export function withCaBundle(containers: readonly Container[], spec: InstanceSpec): Container[] {
  if (spec.caBundle === undefined) return [...containers];
  const mount: VolumeMount = { name: "ca-bundle", mountPath: CA_BUNDLE_PATH, subPath: spec.caBundle.key, readOnly: true };
  const env: EnvVar = { name: "NODE_EXTRA_CA_CERTS", value: CA_BUNDLE_PATH };
  return containers.map((c) => {
    const mounts = (c.volumeMounts ?? []) as VolumeMount[];
    const vars = (c.env ?? []) as EnvVar[];
    return {
      ...c,
      env: vars.some((e) => e.name === env.name) ? vars : [...vars, env],
      volumeMounts: mounts.some((m) => m.mountPath === CA_BUNDLE_PATH) ? mounts : [...mounts, mount],
    };
  });
}

/**
 * The instance's data: the state folder of the state volume (never its root, see STATE_FOLDER),
 * and the workspace volume inside it when it is split off.
 */
export function dataMounts(spec: InstanceSpec, readOnly = false): VolumeMount[] {
  const ro = readOnly ? { readOnly: true } : {};
  const mounts: VolumeMount[] = [{ name: "state", mountPath: STATE_DIR, subPath: STATE_FOLDER, ...ro }];
  if (spec.workspaceVolume.enabled) mounts.push({ name: "workspace", mountPath: WORKSPACE_DIR, ...ro });
  return mounts;
}

/**
 * A mount the user wrote: one of the `state` volume means the state directory, as it did before
 * the state folder, so it lands in that folder (its own subPath below it).
 */
export function userMount(m: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }): VolumeMount {
  if (m.name !== "state") return { ...m };
  return { ...m, subPath: m.subPath !== undefined && m.subPath !== "" ? `${STATE_FOLDER}/${m.subPath}` : STATE_FOLDER };
}

export function resources(r: {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}): k8s.types.input.core.v1.ResourceRequirements {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** Resources plus an ephemeral-storage request (a request only: the emptyDirs' sizeLimits are the bounds). */
export function withEphemeralRequest(
  r: k8s.types.input.core.v1.ResourceRequirements,
  ephemeral: string,
): k8s.types.input.core.v1.ResourceRequirements {
  return { ...r, requests: { ...(r.requests as Record<string, string>), "ephemeral-storage": ephemeral } };
}

export const TMP_MOUNT = (name: string): VolumeMount => ({ name, mountPath: "/tmp" });
