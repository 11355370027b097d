import { rbacRuleProblems } from "../../config/isolation/rbac-rules";
import type { ConfigCheck } from "../../config/check";

/** What `rbac.additionalRules` may grant in a namespace shared with the tenant's other instances (components/config/isolation/rbac-rules.ts, docs/security.md). */
export const rbacRules: ConfigCheck = {
  id: "rbac-rules",
  refuses:
    "`rbac.additionalRules` that let one instance act as or reach another: rules that mint tokens, run pods, read Secrets, create anything but ConfigMaps, events and leases, or change objects of another owner (by the ownership registry, including user objects another instance uses)",
  example: {
    config: {
      tenants: {
        acme: {
          instances: {
            bot: {
              rbac: { additionalRules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] },
              networkPolicy: { allowAPIServer: true },
            },
          },
        },
      },
    },
    path: "tenants.acme.instances.bot.rbac.additionalRules[0]",
    message: "grants any verb on secrets",
  },
  stack: ({ tenants }) => tenants.flatMap((tenant) => rbacRuleProblems(tenant)),
};
