import { ALLOWED_VOLUME_SOURCES } from "../../config/instance/kubernetes";
import type { ContainerSpec } from "../../config/instance/kubernetes";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Where Kubernetes takes one of several alternatives, exactly one is set. */
export const exclusiveSources: ConfigCheck = {
  id: "exclusive-sources",
  refuses:
    "a choice of source made twice or not at all: an `envFrom` entry (of the instance, a sidecar or an init container) with both or neither of `configMapRef` and `secretRef`, an env entry of a sidecar, an init container or `chromium.extraEnv` with both `value` and `valueFrom`, a `caBundle` with both or neither of `configMapName` and `secretName`, and a volume of `sidecarVolumes` or `extraVolumes` with no source or several",
  example: {
    config: { tenants: { acme: { instances: { bot: { caBundle: { configMapName: "ca", secretName: "ca" } } } } } },
    path: "tenants.acme.instances.bot.caBundle",
    message: "set exactly one of caBundle.configMapName or caBundle.secretName",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const envFrom = (at: (string | number)[], sources: ContainerSpec["envFrom"]) =>
      sources?.forEach((s, i) => {
        if ((s.configMapRef === undefined) === (s.secretRef === undefined))
          problems.push({ path: [...at, i], message: "set exactly one of configMapRef or secretRef" });
      });
    const env = (at: (string | number)[], vars: ContainerSpec["env"]) =>
      vars?.forEach((e, i) => {
        if (e.value !== undefined && e.valueFrom !== undefined)
          problems.push({ path: [...at, i], message: "set value or valueFrom, not both" });
      });
    envFrom(["envFrom"], spec.envFrom);
    env(["chromium", "extraEnv"], spec.chromium.extraEnv);
    for (const key of ["initContainers", "sidecars"] as const) {
      spec[key].forEach((c, i) => {
        env([key, i, "env"], c.env);
        envFrom([key, i, "envFrom"], c.envFrom);
      });
    }
    const ca = spec.caBundle;
    if (ca !== undefined && (ca.configMapName === undefined) === (ca.secretName === undefined))
      problems.push({ path: ["caBundle"], message: "set exactly one of caBundle.configMapName or caBundle.secretName" });
    for (const key of ["sidecarVolumes", "extraVolumes"] as const) {
      spec[key].forEach((v, i) => {
        if (ALLOWED_VOLUME_SOURCES.filter((s) => v[s] !== undefined).length !== 1)
          problems.push({ path: [key, i], message: `set exactly one volume source (${ALLOWED_VOLUME_SOURCES.join(", ")})` });
      });
    }
    return problems;
  },
};
