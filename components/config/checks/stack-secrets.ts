import { stackSecretProblems } from "../ownership/stack-secrets";
import type { ConfigCheck } from "./types";

/** Owners of the stack's `secrets` entries (components/config/ownership/stack-secrets.ts). */
export const stackSecretOwners: ConfigCheck = {
  id: "stack-secret-owners",
  refuses:
    "a `{ secretRef }` that crosses an owner: a tenant's block using an entry the fleet uses (the store keys) or one `defaults` uses for another purpose, two tenants using one entry (both paths named), and store keys or a backup passphrase used as an env value",
  stack: ({ raw }) => stackSecretProblems(raw.values),
};
