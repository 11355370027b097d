/**
 * What `rbac.additionalRules` may grant. The tenant namespace holds every
 * instance of the tenant and their backup identities, so a Role there must
 * not be able to borrow or mint an identity (run a pod as a backup
 * ServiceAccount, mint its token, exec into its pod), read Secrets (store
 * keys, passphrase, gateway tokens), or change objects the program manages
 * for any instance. Rules are matched the way Kubernetes RBAC matches them
 * (`*` groups, `*` verbs, `*\/subresource`), so a rule cannot slip through by
 * spelling.
 */
import type { TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";
import { namespaceRegistry } from "../ownership";
import { describeOwner } from "../ownership/registry";

export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

const CORE = "";
const READ_VERBS = new Set(["get", "list", "watch"]);

/** Whether the rule matches `verb` on `resource` (`name` or `name/subresource`) of `group`, as the RBAC authorizer does. */
export function ruleMatches(rule: RbacRule, group: string, resource: string, verb: string): boolean {
  const groupMatch = rule.apiGroups.includes("*") || rule.apiGroups.includes(group);
  const verbMatch = rule.verbs.includes("*") || rule.verbs.includes(verb);
  const sub = resource.includes("/") ? resource.slice(resource.indexOf("/") + 1) : undefined;
  const resourceMatch = rule.resources.some((r) => r === "*" || r === resource || (sub !== undefined && r === `*/${sub}`));
  return groupMatch && verbMatch && resourceMatch;
}

interface Capability {
  readonly group: string;
  readonly resource: string;
  /** Undefined: any verb the rule lists. */
  readonly verbs?: readonly string[];
  readonly why: string;
}

const POD_RUNNER_WHY =
  "starts pods, and a pod may run as any ServiceAccount of the namespace (the backup ones, which hold store access, included) and mount any instance's volume";
const WRITE_TEMPLATE = ["create", "update", "patch"];

/** What no rule may grant, whatever its resourceNames: borrowing or minting an identity, reading Secrets. */
const FORBIDDEN: readonly Capability[] = [
  {
    group: CORE,
    resource: "secrets",
    why: "Secrets of the tenant namespace hold the backup store keys, the backup passphrase and every instance's gateway token, and a created ServiceAccount-token Secret mints a token; the app reads its own Secrets through env and volumes, never the API",
  },
  {
    group: CORE,
    resource: "serviceaccounts/token",
    why: "mints a token for any ServiceAccount of the namespace, the backup ones included",
  },
  {
    group: CORE,
    resource: "pods/exec",
    why: "runs commands in any pod of the namespace, including backup pods that hold store credentials",
  },
  { group: CORE, resource: "pods/attach", why: "attaches to any pod of the namespace, including backup pods that hold store credentials" },
  {
    group: CORE,
    resource: "pods/ephemeralcontainers",
    why: "adds containers to any pod of the namespace, including backup pods that hold store credentials",
  },
  {
    group: CORE,
    resource: "pods/portforward",
    why: "connects to any pod of the namespace past its NetworkPolicy (another instance's gateway, canvas, browser)",
  },
  {
    group: CORE,
    resource: "pods/proxy",
    why: "connects to any pod of the namespace past its NetworkPolicy (another instance's gateway, canvas, browser)",
  },
  {
    group: CORE,
    resource: "services/proxy",
    why: "connects to any Service of the namespace past its NetworkPolicy (another instance's gateway)",
  },
  { group: CORE, resource: "pods", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: CORE, resource: "replicationcontrollers", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: CORE, resource: "podtemplates", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "apps", resource: "deployments", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "apps", resource: "replicasets", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "apps", resource: "statefulsets", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "apps", resource: "daemonsets", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "batch", resource: "jobs", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "batch", resource: "cronjobs", verbs: WRITE_TEMPLATE, why: POD_RUNNER_WHY },
  { group: "rbac.authorization.k8s.io", resource: "roles", verbs: WRITE_TEMPLATE, why: "writes Roles, the very rights this list limits" },
  {
    group: "rbac.authorization.k8s.io",
    resource: "rolebindings",
    verbs: WRITE_TEMPLATE,
    why: "binds Roles to ServiceAccounts, the very rights this list limits",
  },
];

/** Reads that return another instance's data, allowed only for objects named outside every instance's names. */
const DATA_READS: readonly Capability[] = [
  { group: CORE, resource: "pods/log", verbs: ["get"], why: "reads pod logs, which carry the instances' conversations" },
];

/**
 * Kinds a rule may create. Anything else created in the tenant namespace can
 * reach another instance: a NetworkPolicy or Ingress that exposes it, a
 * PersistentVolumeClaim cloned from its volume, a Service or custom resource
 * of some operator that acts on it.
 */
export const CREATABLE: readonly { group: string; resource: string }[] = [
  { group: CORE, resource: "configmaps" },
  { group: CORE, resource: "events" },
  { group: "events.k8s.io", resource: "events" },
  { group: "coordination.k8s.io", resource: "leases" },
];

function describeCapability(c: Capability): string {
  const verbs = c.verbs !== undefined ? c.verbs.join("/") : "any verb on";
  return `${verbs} ${c.group === CORE ? "" : `${c.group}/`}${c.resource}`;
}

/** Every reason `rule` is refused (empty when it is allowed). */
export function ruleRefusals(rule: RbacRule, tenant: TenantModel, self?: string): string[] {
  const out: string[] = [];
  for (const c of FORBIDDEN) {
    const verbs = c.verbs ?? rule.verbs;
    if (verbs.some((v) => ruleMatches(rule, c.group, c.resource, v))) out.push(`grants ${describeCapability(c)}: it ${c.why}`);
  }
  if (rule.verbs.includes("create")) {
    if (rule.apiGroups.includes("*")) {
      out.push(`grants create in every API group ("*"): name the groups; create is allowed only for ${creatableList()}`);
    } else {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          const creatable = CREATABLE.some((c) => c.group === group && c.resource === resource);
          // Kinds FORBIDDEN already names (pods, jobs, …) are reported once, with their own reason.
          const named = FORBIDDEN.some((c) => (c.verbs ?? ["create"]).includes("create") && c.group === group && c.resource === resource);
          if (!creatable && !named) {
            out.push(
              `grants create on ${group === CORE ? "" : `${group}/`}${resource}: objects created in the tenant namespace can reach other instances (a NetworkPolicy or Ingress that exposes them, a volume cloned from theirs); create is allowed only for ${creatableList()}. An instance that must create other objects needs a namespace of its own (a tenant of its own)`,
            );
          }
        }
      }
    }
  }
  const changes = rule.verbs.filter((v) => !READ_VERBS.has(v) && v !== "create");
  const dataReads = DATA_READS.filter((c) => (c.verbs ?? rule.verbs).some((v) => ruleMatches(rule, c.group, c.resource, v)));
  if (changes.length > 0 || dataReads.length > 0) {
    const what = [
      ...(changes.length > 0 ? [`${changes.join("/")} objects`] : []),
      ...dataReads.map((c) => `${describeCapability(c)} (it ${c.why})`),
    ].join(" and ");
    const names = rule.resourceNames ?? [];
    if (names.length === 0) {
      out.push(
        `grants ${what} without resourceNames, which reaches every instance's StatefulSet, backup CronJob and engine, volumes and NetworkPolicies in the namespace: list the objects in resourceNames (none of them the program's)`,
      );
    } else {
      const registry = namespaceRegistry(tenant);
      for (const name of names) {
        const found = registry.programOwner(name, "object");
        if (found !== undefined) {
          out.push(
            `grants ${what} on "${name}", a name of ${describeOwner(found.owner)} (the program names every object of an instance <instance> or <instance>-…, and the namespace's own openclaw-…): name objects of your own`,
          );
          continue;
        }
        const [other] = (registry.uses.get(name) ?? []).filter((u) => u.instance !== self);
        if (other !== undefined) {
          out.push(
            `grants ${what} on "${name}", which instance "${other.instance}" uses (${other.path}): a change to it changes that instance; name objects no other instance uses`,
          );
        }
      }
    }
  }
  return out;
}

function creatableList(): string {
  return CREATABLE.map((c) => `${c.group === CORE ? "" : `${c.group}/`}${c.resource}`).join(", ");
}

/** The problems of every instance's `rbac.additionalRules` in a tenant. */
export function rbacRuleProblems(tenant: TenantModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    instance.spec.rbac.additionalRules.forEach((rule, i) => {
      const path = joinPath(["tenants", tenant.name, "instances", instance.name, "rbac", "additionalRules", i]);
      for (const message of ruleRefusals(rule, tenant, instance.name)) problems.push({ path, message });
    });
  }
  return problems;
}
