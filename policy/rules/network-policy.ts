import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { K8S } from "../lib/conventions";
import { describeObject, instanceKey, namespaceOf, podTemplateOf, selectorMatches, WORKLOAD_TYPES } from "../lib/kubernetes";
import { asList, at, globMatch } from "../lib/values";

export interface NetworkPolicyConfig {
  /** `<tenant>/<instance>` patterns (`*` wildcards) that may run without a NetworkPolicy. */
  readonly exempt?: readonly string[];
}

/** The directions a NetworkPolicy restricts, with the API's defaulting when policyTypes is unset. */
export function policyTypesOf(policy: PolicyResource): string[] {
  const declared = asList(at(policy.props, "spec", "policyTypes")).map(String);
  if (declared.length > 0) return declared;
  return at(policy.props, "spec", "egress") !== undefined ? ["Ingress", "Egress"] : ["Ingress"];
}

export const instancesHaveNetworkPolicy: StackValidationPolicy = {
  name: "instance-network-policy",
  description:
    "Every pod of an instance (anything labelled with a tenant and an instance, backup pods included) is selected by NetworkPolicies in its namespace that restrict both ingress and egress.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: { exempt: { type: "array", items: { type: "string" }, default: [] } } },
  remediationSteps:
    "Keep networkPolicy.enabled: true on the instance; open what it needs with allowedIngressNamespaces, allowedEgressCIDRs or additionalEgress.",
  validateStack: (args, reportViolation) => {
    const exempt = args.getConfig<NetworkPolicyConfig>().exempt ?? [];
    const policies = args.resources.filter((r) => r.type === K8S.networkPolicy);
    for (const workload of args.resources.filter((r) => WORKLOAD_TYPES.includes(r.type))) {
      const template = podTemplateOf(workload.type, workload.props);
      const instance = template && instanceKey(template.labels);
      if (template === undefined || instance === undefined || exempt.some((p) => globMatch(p, instance))) continue;
      const namespace = namespaceOf(workload.props);
      const selecting = policies.filter(
        (p) => namespaceOf(p.props) === namespace && selectorMatches(at(p.props, "spec", "podSelector"), template.labels),
      );
      const covered = new Set(selecting.flatMap(policyTypesOf));
      const missing = ["Ingress", "Egress"].filter((direction) => !covered.has(direction));
      if (missing.length === 0) continue;
      reportViolation(
        selecting.length === 0
          ? `${describeObject(workload.props)} (instance ${instance}): no NetworkPolicy in namespace ${namespace} selects its pods`
          : `${describeObject(workload.props)} (instance ${instance}): its NetworkPolicies do not restrict ${missing.join(" or ")}`,
        workload.urn,
      );
    }
  },
};
