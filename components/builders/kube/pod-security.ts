import type * as k8s from "@pulumi/kubernetes";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** The UID/GID of the `node` user in the OpenClaw image; state on the volume belongs to it. */
export const APP_UID = 1000;
export const APP_GID = 1000;

/**
 * Pod-level settings that satisfy Pod Security Admission `restricted`. Shared
 * by the app and every backup/restore pod, so that they are written once.
 */
export function restrictedPodSecurityContext(uid = APP_UID, gid = APP_GID): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    // Skips a recursive chown of a large volume on every start once ownership is right.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurityContext(): SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * The UID/GID that own an instance's files (its `podSecurityContext`, 1000
 * unless configured). Pods that read or write its volumes (backup, restore)
 * must run as them.
 */
export function instanceIdentity(spec: { podSecurityContext: { runAsUser: number; runAsGroup: number; fsGroup: number } }): {
  uid: number;
  gid: number;
  fsGroup: number;
} {
  const psc = spec.podSecurityContext;
  return { uid: psc.runAsUser, gid: psc.runAsGroup, fsGroup: psc.fsGroup };
}
