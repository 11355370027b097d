import type { TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";

/** Every layout we know keeps one state directory at least this deep: migration/<tenant>/<instance>, KubeClaw's <namespace>/<release>/<time>, the operator's backups/<tenant>/<instance>/latest. */
export const MIN_PLAIN_DEPTH_OUTSIDE_PREFIX = 3;

/**
 * Why a plain restore folder is wider than one instance, or undefined when it
 * is not. The restore identity is granted read on the whole folder, so a
 * folder that holds several instances' data would let this instance read
 * them all. The fleet root itself is refused elsewhere (backupConfigProblems).
 */
export function plainFolderTooWide(path: string, fleetPrefix: string): string | undefined {
  const prefix = fleetPrefix.replace(/\/+$/, "");
  if (`${prefix}/`.startsWith(`${path}/`)) return undefined;
  if (path.startsWith(`${prefix}/`)) {
    const below = path.slice(prefix.length + 1).split("/");
    if (below.length < 2) {
      return `"${path}" is tenant "${below[0]}"'s whole folder: the restore could read every instance of it; name one instance's folder, e.g. ${prefix}/${below[0]}/<instance>`;
    }
    return undefined;
  }
  const depth = path.split("/").length;
  if (depth < MIN_PLAIN_DEPTH_OUTSIDE_PREFIX) {
    return `"${path}" may hold several instances' folders, and the restore could read them all: name one instance's state directory, at least ${MIN_PLAIN_DEPTH_OUTSIDE_PREFIX} levels deep (e.g. migration/<tenant>/<instance>, KubeClaw's <namespace>/<release>/<time>, or the operator's backups/<tenant>/<instance>/latest)`;
  }
  return undefined;
}

export function plainRestoreProblems(tenant: TenantModel, fleetPrefix: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    const source = instance.spec.backup.restoreFrom;
    if (source?.type !== "plain") continue;
    const message = plainFolderTooWide(source.path, fleetPrefix);
    if (message !== undefined)
      problems.push({ path: joinPath(["tenants", tenant.name, "instances", instance.name, "backup", "restoreFrom", "plain"]), message });
  }
  return problems;
}
