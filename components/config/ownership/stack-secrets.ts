/**
 * Owners of the stack's `secrets` entries. A `{ secretRef: <name> }` is owned
 * where it is written: outside `tenants` and `defaults` by the fleet (the
 * store keys), in `defaults` by the fleet and shared with every instance for
 * that purpose, under `tenants.<tenant>` by that tenant. Tenants may write
 * their own block of a shared stack file, so a name is no boundary by itself:
 * a tenant's block may use only entries no other owner uses, and store keys
 * and backup passphrases never become an app's env value.
 */
import { isPlainObject } from "../merge";
import { joinPath, type ConfigProblem } from "../problems";

type Purpose = "store keys" | "backup passphrase" | "env value" | "value";

interface SecretUse {
  readonly name: string;
  readonly path: readonly (string | number)[];
  /** `fleet`, `defaults`, or the tenant's name. */
  readonly owner: string;
  readonly purpose: Purpose;
}

function purposeOf(path: readonly (string | number)[]): Purpose {
  const keys = path.filter((p): p is string => typeof p === "string");
  if (keys.includes("credentials") && keys.includes("backup")) return "store keys";
  if (keys.includes("backup") && keys.includes("encryption")) return "backup passphrase";
  if (keys.includes("env")) return "env value";
  return "value";
}

function ownerOf(path: readonly (string | number)[]): string {
  if (path[0] === "tenants" && typeof path[1] === "string") return path[1];
  return path[0] === "defaults" ? "defaults" : "fleet";
}

/** Every `{ secretRef }` in the config as written, with where it is. */
export function stackSecretUses(values: Readonly<Record<string, unknown>>): SecretUse[] {
  const uses: SecretUse[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isPlainObject(value)) {
      if (typeof value.secretRef === "string" && Object.keys(value).length === 1) {
        const at = [...path, "secretRef"];
        uses.push({ name: value.secretRef, path: at, owner: ownerOf(at), purpose: purposeOf(at) });
        return;
      }
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
    }
  };
  for (const [key, value] of Object.entries(values)) if (key !== "secrets") visit(value, [key]);
  return uses;
}

const describeUse = (use: SecretUse) =>
  use.owner === "fleet"
    ? `the fleet's ${use.purpose} (${joinPath(use.path)})`
    : use.owner === "defaults"
      ? `every instance's ${use.purpose} by defaults (${joinPath(use.path)})`
      : `tenant "${use.owner}"'s ${use.purpose} (${joinPath(use.path)})`;

const OWN_ENTRY = (name: string) =>
  `store the value under a name of its own (\`pulumi config set --secret --path 'secrets.<new-name>' <value>\`) and refer to that instead of secrets.${name}`;

export function stackSecretProblems(values: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byName = new Map<string, SecretUse[]>();
  for (const use of stackSecretUses(values)) byName.set(use.name, [...(byName.get(use.name) ?? []), use]);
  for (const [name, uses] of byName) {
    const refused = new Set<SecretUse>();
    const refuse = (use: SecretUse, message: string) => {
      if (refused.has(use)) return;
      refused.add(use);
      problems.push({ path: joinPath(use.path), message });
    };
    // Store keys and passphrases never reach an app: an env value is readable by the agent.
    const sensitive = uses.find((u) => u.purpose === "store keys" || u.purpose === "backup passphrase");
    if (sensitive !== undefined) {
      for (const use of uses.filter((u) => u.purpose === "env value")) {
        refuse(
          use,
          `secrets.${name} is ${describeUse(sensitive)}: store keys and backup passphrases never reach the app, whose env the agent can read; ${OWN_ENTRY(name)}`,
        );
      }
    }
    const fleet = uses.find((u) => u.owner === "fleet");
    const defaults = uses.filter((u) => u.owner === "defaults");
    const [firstDefault] = defaults;
    const tenantUses = uses.filter((u) => u.owner !== "fleet" && u.owner !== "defaults");
    for (const use of tenantUses) {
      if (fleet !== undefined) {
        refuse(
          use,
          `secrets.${name} is ${describeUse(fleet)}: fleet secrets are usable only where the fleet's config puts them, never from a tenant's block; ${OWN_ENTRY(name)}`,
        );
      } else if (firstDefault !== undefined && !defaults.some((d) => d.purpose === use.purpose)) {
        refuse(
          use,
          `secrets.${name} is ${describeUse(firstDefault)}: a tenant may use it only as that, not as ${use.purpose}; ${OWN_ENTRY(name)}`,
        );
      }
    }
    // One entry, one tenant: whoever is first by name keeps it; every other tenant's use names both paths.
    const tenants = [...new Set(tenantUses.map((u) => u.owner))].sort();
    if (fleet === undefined && tenants.length > 1) {
      const first = tenantUses.find((u) => u.owner === tenants[0]) as SecretUse;
      for (const use of tenantUses.filter((u) => u.owner !== tenants[0])) {
        refuse(
          use,
          `secrets.${name} is also ${describeUse(first)}: a stack secret belongs to one tenant (tenants write their own blocks, and one could read another's value through it); give each tenant its own entry, or let the platform team share it through defaults`,
        );
      }
    }
  }
  return problems;
}
