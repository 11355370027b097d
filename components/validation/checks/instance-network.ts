import { networkProblems } from "../../config/isolation/network";
import type { ConfigCheck } from "../../config/check";

/** The NetworkPolicy options that name other things (components/config/isolation/network.ts, docs/security.md). */
export const instanceNetwork: ConfigCheck = {
  id: "instance-network",
  refuses:
    "network opt-ins without their prerequisites: a `networkPolicy.allowedIngressInstances` entry that is the instance itself or no sibling of its tenant, API rights (`rbac.additionalRules`) without `networkPolicy.allowAPIServer`, and `allowAPIServer` without `cluster.kubernetes.apiServerCIDRs`",
  example: {
    config: { tenants: { acme: { instances: { bot: { networkPolicy: { allowedIngressInstances: ["bot"] } } } } } },
    path: "tenants.acme.instances.bot.networkPolicy.allowedIngressInstances[0]",
    message: '"bot" is this instance itself',
  },
  stack: ({ stack, tenants }) => tenants.flatMap((tenant) => networkProblems(tenant, stack?.cluster.kubernetes.apiServerCIDRs ?? [])),
};
