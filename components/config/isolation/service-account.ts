import type { InstanceModel, TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";

/** Every backup ServiceAccount is `<instance>-backup` (config/names.ts); the suffix is kept for them. */
export const BACKUP_SERVICE_ACCOUNT_SUFFIX = "-backup";

/**
 * `rbac.serviceAccountName` may name an existing ServiceAccount, but never one
 * that carries another identity of the namespace: a backup ServiceAccount
 * (its own included) holds the store role, and another instance's app
 * ServiceAccount holds that instance's API rights and cloud role.
 */
export function serviceAccountProblems(tenant: TenantModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const appAccounts = new Map(tenant.instances.filter((i) => i.spec.rbac.createServiceAccount).map((i) => [i.names.serviceAccount, i.name]));
  for (const instance of tenant.instances) {
    const name = instance.spec.rbac.serviceAccountName;
    if (name === undefined) continue;
    const path = joinPath(["tenants", tenant.name, "instances", instance.name, "rbac", "serviceAccountName"]);
    const message = refusal(instance, name, appAccounts);
    if (message !== undefined) problems.push({ path, message });
  }
  return problems;
}

function refusal(instance: InstanceModel, name: string, appAccounts: ReadonlyMap<string, string>): string | undefined {
  if (name.endsWith(BACKUP_SERVICE_ACCOUNT_SUFFIX)) {
    return `"${name}" is a backup ServiceAccount name (…${BACKUP_SERVICE_ACCOUNT_SUFFIX} is reserved for the backup pods, whose identity can read, write and delete backups): the app must never run as one, not even its own; name a ServiceAccount of your own, or set rbac.createServiceAccount: true`;
  }
  const owner = appAccounts.get(name);
  if (owner !== undefined && owner !== instance.name) {
    return `"${name}" is instance "${owner}"'s ServiceAccount: running as it would give this instance "${owner}"'s API rights and cloud role; name a ServiceAccount of your own, or set rbac.createServiceAccount: true`;
  }
  return undefined;
}
