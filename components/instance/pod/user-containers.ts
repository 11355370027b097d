import type * as k8s from "@pulumi/kubernetes";
import type { ContainerSpec } from "../../config/instance/kubernetes";
import type { InstanceModel } from "../../config/model";
import { userSecurityContext } from "./security";
import { caBundleEnv, caBundleMounts } from "./shared";

/** A user-supplied init container or sidecar, kept within `restricted` and given the CA bundle. */
export function userContainer(instance: InstanceModel, c: ContainerSpec): k8s.types.input.core.v1.Container {
  const spec = instance.spec;
  const { securityContext, env, volumeMounts, ...rest } = c;
  return {
    ...rest,
    env: [...(env ?? []).map((e) => ({ ...e })), ...caBundleEnv(spec)],
    volumeMounts: [...(volumeMounts ?? []).map((m) => ({ ...m })), ...caBundleMounts(spec)],
    securityContext: userSecurityContext(securityContext),
  };
}

