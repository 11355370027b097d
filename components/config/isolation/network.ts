import type { TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";

const ENDPOINTS_HINT = "kubectl get endpoints kubernetes -n default -o jsonpath='{.subsets[*].addresses[*].ip}'";

/**
 * The NetworkPolicy options that name other things: `allowedIngressInstances`
 * must be siblings in the same tenant, and API access (rbac.additionalRules)
 * needs the opt-in egress to the API server, whose addresses must be known.
 */
export function networkProblems(tenant: TenantModel, apiServerCIDRs: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Set(tenant.instances.map((i) => i.name));
  for (const instance of tenant.instances) {
    const policy = instance.spec.networkPolicy;
    const at = (...path: (string | number)[]) => joinPath(["tenants", tenant.name, "instances", instance.name, "networkPolicy", ...path]);
    policy.allowedIngressInstances.forEach((other, i) => {
      if (other === instance.name)
        problems.push({
          path: at("allowedIngressInstances", i),
          message: `"${other}" is this instance itself; list the other instances of tenant ${tenant.name} that may connect`,
        });
      else if (!names.has(other))
        problems.push({
          path: at("allowedIngressInstances", i),
          message: `"${other}" is not an instance of tenant ${tenant.name} (${[...names].sort().join(", ")}); instances of other tenants live in other namespaces: use allowedIngressNamespaces`,
        });
    });
    if (!policy.enabled) continue;
    if (instance.spec.rbac.additionalRules.length > 0 && !policy.allowAPIServer) {
      problems.push({
        path: at("allowAPIServer"),
        message:
          "is false, but rbac.additionalRules gives the instance API rights: the NetworkPolicy blocks the API server unless you set networkPolicy.allowAPIServer: true",
      });
    }
    if (policy.allowAPIServer && apiServerCIDRs.length === 0) {
      problems.push({
        path: at("allowAPIServer"),
        message: `needs the API server's addresses in cluster.kubernetes.apiServerCIDRs (${ENDPOINTS_HINT}, each as /32 or /128)`,
      });
    }
  }
  return problems;
}
