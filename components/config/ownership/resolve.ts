import type { InstanceModel } from "../model";
import type { InstanceProblem } from "../check";
import { namespaceRegistry } from ".";
import { describeOwner, type Ownership } from "./registry";
import { isExclusive, objectReferences, replacesOwn, type ObjectReference } from "./references";

/** Every backup ServiceAccount is `<instance>-backup` (config/names.ts); the suffix is kept for them. */
export const BACKUP_SERVICE_ACCOUNT_SUFFIX = "-backup";

const OWN_OBJECT =
  "use an object of your own, with a name outside every instance's (`<instance>`, `<instance>-…`) and the namespace's (`openclaw-…`)";

function kindOf(found: Ownership): string {
  return found.kind === "object" ? "object" : found.kind;
}

function serviceAccountProblem(instance: InstanceModel, ref: ObjectReference, found: Ownership | undefined): string | undefined {
  if (ref.name.endsWith(BACKUP_SERVICE_ACCOUNT_SUFFIX)) {
    return `"${ref.name}" is a backup ServiceAccount name (…${BACKUP_SERVICE_ACCOUNT_SUFFIX} is reserved for the backup pods, whose identity can read, write and delete backups): the app must never run as one, not even its own; name a ServiceAccount of your own, or set rbac.createServiceAccount: true`;
  }
  if (found === undefined) return undefined;
  if (found.owner.kind === "instance" && found.owner.instance !== instance.name) {
    return `"${ref.name}" is instance "${found.owner.instance}"'s ServiceAccount: running as it would give this instance "${found.owner.instance}"'s API rights and cloud role; name a ServiceAccount of your own, or set rbac.createServiceAccount: true`;
  }
  if (found.owner.kind === "tenant")
    return `"${ref.name}" is a name of ${describeOwner(found.owner)}; name a ServiceAccount of your own, or set rbac.createServiceAccount: true`;
  return undefined;
}

/** Why the reference crosses an owner, or undefined when the instance may use it. */
export function referenceRefusal(instance: InstanceModel, ref: ObjectReference, found: Ownership | undefined): string | undefined {
  if (ref.kind === "ServiceAccount") return serviceAccountProblem(instance, ref, found);
  if (found === undefined) return undefined;
  const owner = found.owner;
  if (owner.kind !== "instance") {
    return `"${ref.name}" is a name of ${describeOwner(owner)} (the program names them ${"`openclaw-…`"}): an instance never reads or mounts them; ${OWN_OBJECT}`;
  }
  const self = owner.instance === instance.name;
  const whose = self ? "this instance's" : `instance "${owner.instance}"'s`;
  if (owner.backup) {
    return `"${ref.name}" is ${whose} backup ${kindOf(found)} (store credentials, passphrase or engine): the app never holds the backup identity or passphrase, not even its own; ${OWN_OBJECT}`;
  }
  if (self) {
    if (found.basis === "made" && replacesOwn(ref))
      return `"${ref.name}" is this instance's ${kindOf(found)}, which this program writes (and deletes when this option is set); name a ${ref.kind} you manage yourself`;
    return undefined;
  }
  if (found.basis === "claimed") {
    return `"${ref.name}" is instance "${owner.instance}"'s ${kindOf(found)}: it uses it at ${found.claimPath}, and a claim or gateway token belongs to one instance: give each instance its own`;
  }
  const name = found.basis === "pattern" ? " name (the program names every object of an instance `<instance>` or `<instance>-…`)" : "";
  return `"${ref.name}" is ${whose} ${kindOf(found)}${name}: one instance never mounts or reads another's Secrets, ConfigMaps or volumes; ${OWN_OBJECT}`;
}

const position = (ref: ObjectReference) =>
  ref.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
    .join("")
    .slice(1);

/**
 * Every reference of the instance, resolved against its namespace's registry:
 * an instance refers only to what it owns, to what its tenant shares (user
 * objects no instance claims), never to another instance's or the
 * namespace's objects, nor to its own backup's; and a claim serves one
 * volume position of one instance.
 */
export function instanceReferenceProblems(
  instance: InstanceModel,
  tenantOf: (name: string) => Parameters<typeof namespaceRegistry>[0] | undefined,
): InstanceProblem[] {
  const tenant = tenantOf(instance.tenant);
  if (tenant === undefined) return [];
  const registry = namespaceRegistry(tenant);
  const problems: InstanceProblem[] = [];
  const claims = new Map<string, ObjectReference>();
  for (const written of objectReferences(instance.spec)) {
    // An annotation may name `<namespace>/<name>`: only the instance's own namespace.
    const slash = written.name.indexOf("/");
    if (slash >= 0 && written.name.slice(0, slash) !== instance.namespace) {
      problems.push({
        path: written.path,
        message: `"${written.name}" names an object of namespace ${written.name.slice(0, slash)}: an instance refers only to objects of its own namespace (${instance.namespace}), which the controller reads on its behalf; name an object there`,
      });
      continue;
    }
    const ref = slash >= 0 ? { ...written, name: written.name.slice(slash + 1) } : written;
    const message = referenceRefusal(instance, ref, registry.ownerOf(ref.name, ref.kind, instance.name));
    if (message !== undefined) {
      problems.push({ path: ref.path, message });
      continue;
    }
    // One claim, one volume position: never state and workspace, nor mounted twice.
    if (
      isExclusive(ref) &&
      ref.kind === "PersistentVolumeClaim" &&
      !ref.path.includes("dataSource") &&
      !ref.path.includes("dataSourceRef")
    ) {
      const first = claims.get(ref.name);
      if (first === undefined) claims.set(ref.name, ref);
      else {
        problems.push({
          path: ref.path,
          message: `"${ref.name}" is already used by this instance at ${position(first)}: the state, the workspace, the model cache and each extra volume need a claim of their own (one claim in two places mixes their data and their backups); name another claim`,
        });
      }
    }
  }
  return problems;
}
