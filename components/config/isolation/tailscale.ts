import { TAILSCALE_UID } from "../ports";
import type { TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";

/**
 * tailscaled gives read-write LocalAPI access to its own UID only, so no
 * other container of the pod may run as that UID: it could then turn on
 * serve or funnel for the browser's or Ollama's unauthenticated port.
 */
export function tailscaleProblems(tenant: TenantModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    const spec = instance.spec;
    if (!spec.tailscale.enabled) continue;
    const at = (...path: (string | number)[]) => joinPath(["tenants", tenant.name, "instances", instance.name, ...path]);
    const why = `is tailscaled's UID (${TAILSCALE_UID}): a container running as it may reconfigure Tailscale (serve, funnel, logout); pick another UID`;
    if (spec.podSecurityContext.runAsUser === TAILSCALE_UID) problems.push({ path: at("podSecurityContext", "runAsUser"), message: why });
    for (const key of ["initContainers", "sidecars"] as const) {
      spec[key].forEach((c, i) => {
        if (c.securityContext?.runAsUser === TAILSCALE_UID)
          problems.push({ path: at(key, i, "securityContext", "runAsUser"), message: why });
      });
    }
  }
  return problems;
}
