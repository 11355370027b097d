import type { InstanceModel, TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";
import { describeOwner, ownerOfName } from "./owned-names";

/** One object an instance's config names: where, and the name. */
interface Reference {
  readonly path: readonly (string | number)[];
  readonly name: string;
}

/** Keys whose string value names a Secret, ConfigMap or claim (our options and Kubernetes' own). */
const NAME_KEYS = new Set(["existingClaim", "existingSecret", "secretName", "configMapName", "claimName"]);
/** Objects whose `name` is the name of a Secret, ConfigMap or claim. */
const NAMED_OBJECT_KEYS = new Set(["secret", "configMap", "existingSecret", "dataSource"]);

/**
 * Every object name the instance's config refers to, wherever it is: env
 * and envFrom (`secretKeyRef`, `configMapRef`, …), volumes of any source
 * (`secret.secretName`, `persistentVolumeClaim.claimName`, projected
 * sources, an ephemeral claim's `dataSource`), and our own options
 * (`persistence.existingClaim`, `gateway.existingSecret`, `caBundle`,
 * `tailscale.authKeySecretRef`, …). Kubernetes shapes are recognised by key,
 * so pass-through fields of user containers are covered too.
 */
export function objectReferences(value: unknown, path: (string | number)[] = []): Reference[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectReferences(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  const out: Reference[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const at = [...path, key];
    const namedObject = child !== null && typeof child === "object" && !Array.isArray(child) && typeof (child as { name?: unknown }).name === "string";
    if (NAME_KEYS.has(key) && typeof child === "string") out.push({ path: at, name: child });
    else if (namedObject && (NAMED_OBJECT_KEYS.has(key) || key.endsWith("Ref"))) out.push({ path: [...at, "name"], name: (child as { name: string }).name });
    out.push(...objectReferences(child, at));
  }
  return out;
}

/** Names of an instance's backup objects: its store keys, passphrase, ServiceAccount. */
function isBackupObjectOf(instance: InstanceModel, name: string): boolean {
  const backup = instance.names.backupSecret;
  return name === backup || name.startsWith(`${backup}-`);
}

/**
 * An instance's config may not name another instance's Secrets, ConfigMaps or
 * volumes (its gateway token, its store keys, its state), nor its own backup
 * objects: the app never holds store access, not even to its own backups.
 */
export function objectReferenceProblems(tenant: TenantModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    for (const ref of objectReferences(instance.spec)) {
      const owner = ownerOfName(tenant, ref.name);
      const path = joinPath(["tenants", tenant.name, "instances", instance.name, ...ref.path]);
      if (owner !== undefined && owner !== "" && owner !== instance.name) {
        problems.push({
          path,
          message: `"${ref.name}" is a name of ${describeOwner(owner)} (the program names every object of an instance <instance> or <instance>-…): one instance never mounts or reads another's Secrets, ConfigMaps or volumes; use an object of your own with another name`,
        });
      } else if (owner === instance.name && isBackupObjectOf(instance, ref.name)) {
        problems.push({ path, message: `"${ref.name}" is this instance's backup identity or passphrase: the app never holds store access, not even to its own backups` });
      }
    }
  }
  return problems;
}
