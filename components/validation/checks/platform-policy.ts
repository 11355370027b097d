import { hasPath, isPlainObject } from "../../config/merge";
import { joinPath } from "../../config/problems";
import { allowed, ANNOTATION_POSITIONS, guardOf } from "../../config/ownership/pass-through";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (isPlainObject(v) ? v[k as string] : undefined), root);
}

/**
 * What only the platform team may turn on for a tenant (`platform.tenants.<tenant>`): annotations
 * that change routing or inject configuration, and instances without a NetworkPolicy. Values
 * inherited from `defaults` are the platform team's own and pass.
 */
export const platformPolicy: ConfigCheck = {
  id: "platform-policy",
  example: { config: { platform: { tenants: { acne: {} } } }, path: "platform.tenants.acne", message: '"acne" is not a tenant (acme)' },
  refuses:
    "an annotation that changes routing or DNS or injects controller configuration (ingress-nginx snippets, `server-alias`, `canary*`, `mirror-*`, external-dns, Traefik middlewares, the Tailscale operator's) and `networkPolicy.enabled: false`, unless `platform.tenants.<tenant>` allows it (a tenant's own block cannot), and a `platform.tenants` entry for a tenant that does not exist",
  stack({ stack }) {
    if (stack === undefined) return [];
    return Object.keys(stack.platform.tenants)
      .filter((t) => !(t in stack.tenants))
      .map((t) => ({
        path: joinPath(["platform", "tenants", t]),
        message: `"${t}" is not a tenant (${Object.keys(stack.tenants).sort().join(", ")}); an allowance for a misspelt tenant would be silently unused`,
      }));
  },
  instance(instance, { stack, raw }) {
    const allowance = stack?.platform.tenants[instance.tenant];
    const problems: InstanceProblem[] = [];
    const fromDefaults = (path: readonly (string | number)[], value: unknown) => {
      const own = valueAt(raw.values.tenants, [instance.tenant, "instances", instance.name]);
      return !hasPath(own, path) && valueAt(raw.values.defaults, path) === value;
    };
    for (const position of ANNOTATION_POSITIONS) {
      const map = valueAt(instance.spec, position) as Record<string, string>;
      for (const [key, value] of Object.entries(map)) {
        const rule = guardOf(key);
        if (rule === undefined || allowed(key, allowance?.allowedAnnotations ?? []) || fromDefaults([...position, key], value)) continue;
        problems.push({
          path: [...position, key],
          message: `${rule.why}, so a tenant may set it only where the platform team allows it: remove it, or ask them to add "${key}" to platform.tenants.${instance.tenant}.allowedAnnotations`,
        });
      }
    }
    if (
      !instance.spec.networkPolicy.enabled &&
      !(allowance?.allowNetworkPolicyOff ?? false) &&
      !fromDefaults(["networkPolicy", "enabled"], false)
    ) {
      problems.push({
        path: ["networkPolicy", "enabled"],
        message: `false leaves the instance reachable from every pod of the cluster and free to reach anything (the metadata endpoint included); a policy-free instance is the platform team's choice: set platform.tenants.${instance.tenant}.allowNetworkPolicyOff: true there, or remove this (the backup pods keep their NetworkPolicy either way)`,
      });
    }
    return problems;
  },
};
