import { instanceReferenceProblems } from "../../config/ownership/resolve";
import type { ConfigCheck } from "../../config/check";

/** The ownership registry's resolver (components/config/ownership/), as one registered check. */
export const ownership: ConfigCheck = {
  id: "ownership",
  example: {
    config: {
      tenants: {
        acme: { instances: { bot: { persistence: { existingClaim: "mine" }, workspaceVolume: { enabled: true, existingClaim: "mine" } } } },
      },
    },
    path: "tenants.acme.instances.bot.workspaceVolume.existingClaim",
    message: "is already used by this instance at persistence.existingClaim",
  },
  refuses:
    "a reference, in any position of an instance's config (env, envFrom, volumes of every kind, sidecars and init containers, `rbac.serviceAccountName`, annotations that name a Secret or ConfigMap, our own options), to an object another owner holds: another instance's objects or names, claims and gateway tokens, the tenant namespace's `openclaw-…` objects, any backup object or ServiceAccount (its own included), an object in another namespace, or an object the option replaces; and one claim in two volume positions of an instance (docs/security.md, \"Who owns what\")",
  instance: (instance, { tenants }) => instanceReferenceProblems(instance, (name) => tenants.find((t) => t.name === name)),
};
