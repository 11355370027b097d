import type * as k8s from "@pulumi/kubernetes";
import type { ContainerSpec } from "../../../config/instance/kubernetes";
import { userSecurityContext } from "./security";
import { userMount } from "./shared";

/** A user-supplied init container or sidecar, kept within `restricted` (the CA bundle is added with every other container's). */
export function userContainer(c: ContainerSpec): k8s.types.input.core.v1.Container {
  const { securityContext, env, volumeMounts, ...rest } = c;
  return {
    ...rest,
    env: (env ?? []).map((e) => ({ ...e })),
    volumeMounts: (volumeMounts ?? []).map(userMount),
    securityContext: userSecurityContext(securityContext),
  };
}
