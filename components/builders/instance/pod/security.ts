import type * as k8s from "@pulumi/kubernetes";
import type { InstanceSpec } from "../../../config/instance-schema";
import type { ContainerSpec } from "../../../config/instance/kubernetes";

type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** The pod's identity, from `podSecurityContext`; always within Pod Security `restricted`. */
export function podSecurityContext(spec: InstanceSpec): k8s.types.input.core.v1.PodSecurityContext {
  const psc = spec.podSecurityContext;
  return {
    runAsNonRoot: true,
    runAsUser: psc.runAsUser,
    runAsGroup: psc.runAsGroup,
    fsGroup: psc.fsGroup,
    fsGroupChangePolicy: psc.fsGroupChangePolicy,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The OpenClaw container, from `containerSecurityContext`. */
export function appSecurityContext(spec: InstanceSpec): SecurityContext {
  const csc = spec.containerSecurityContext;
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: csc.readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"], ...(csc.capabilities.add.length > 0 ? { add: [...csc.capabilities.add] } : {}) },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** A program-owned helper container (init containers and sidecars). */
export function helperSecurityContext(options: { readOnlyRootFilesystem: boolean; runAsUser?: number }): SecurityContext {
  return {
    runAsNonRoot: true,
    ...(options.runAsUser !== undefined ? { runAsUser: options.runAsUser } : {}),
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * A user-supplied container's securityContext: the user's settings (which
 * the schema keeps within `restricted`) over restricted defaults, so that a
 * container without one is still admitted by the namespace. The root
 * filesystem is read-only unless the user says otherwise, as for every
 * container the program writes: a sidecar is no reason to give up what the
 * app container keeps.
 */
export function userSecurityContext(sc: ContainerSpec["securityContext"]): SecurityContext {
  const { capabilities, ...rest } = sc ?? {};
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    seccompProfile: { type: "RuntimeDefault" },
    ...rest,
    capabilities: {
      drop: ["ALL"],
      ...(capabilities?.add !== undefined && capabilities.add.length > 0 ? { add: [...capabilities.add] } : {}),
    },
  };
}
