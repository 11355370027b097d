import { closestMatch } from "../../config/validators";
import type { ConfigCheck } from "../../config/check";

/** Config namespaces of the providers the program uses, and Pulumi's own (`pulumi:tags`, …). */
export const PROVIDER_NAMESPACES = ["aws", "kubernetes", "pulumi"] as const;

/**
 * A key under a namespace nobody reads is silently ignored by Pulumi: a misspelt
 * `openclaw-flet:tenants` would render an empty fleet, and an `up` would delete every instance.
 */
export const configNamespaces: ConfigCheck = {
  id: "config-namespaces",
  example: {
    config: {},
    foreignKeys: ["openclaw-flet:tenants"],
    path: "tenants",
    message: 'unknown config namespace "openclaw-flet"; did you mean "openclaw-fleet"?',
  },
  refuses:
    "a config key whose namespace is neither the project's (`openclaw-fleet:`) nor a provider's (`aws:`, `kubernetes:`, `pulumi:`), with a \"did you mean\"",
  stack({ raw }) {
    const known = [raw.namespace, ...PROVIDER_NAMESPACES];
    return (raw.foreignKeys ?? [])
      .filter((fullKey) => !(PROVIDER_NAMESPACES as readonly string[]).includes(fullKey.slice(0, fullKey.indexOf(":"))))
      .sort()
      .map((fullKey) => {
        const colon = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, colon);
        const hint = closestMatch(namespace, known);
        return {
          namespace,
          path: fullKey.slice(colon + 1),
          message: hint
            ? `unknown config namespace "${namespace}"; did you mean "${hint}"? (nothing reads this key, so its settings would be ignored)`
            : `unknown config namespace "${namespace}": nothing reads this key; write it as ${raw.namespace}:<key> (or ${PROVIDER_NAMESPACES.map((n) => `${n}:`).join(", ")} for a provider)`,
        };
      });
  },
};
