import { stackSecretProblems } from "../../config/ownership/stack-secrets";
import type { ConfigCheck } from "../../config/check";

/** Owners of the stack's `secrets` entries (components/config/ownership/stack-secrets.ts). */
export const stackSecretOwners: ConfigCheck = {
  id: "stack-secret-owners",
  example: {
    base: "backup",
    config: { tenants: { acme: { instances: { bot: { env: { K: { secretRef: "backup-passphrase" } } } } } } },
    path: "tenants.acme.instances.bot.env.K.secretRef",
    message: "store keys and backup passphrases never reach the app",
  },
  refuses:
    "a `{ secretRef }` that crosses an owner: a tenant's block using an entry the fleet uses (the store keys) or one `defaults` uses for another purpose, two tenants using one entry (both paths named), and store keys or a backup passphrase used as an env value",
  stack: ({ raw }) => stackSecretProblems(raw.values),
};
