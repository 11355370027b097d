import type { TenantModel } from "../model";

/** Objects of the tenant namespace itself (quota, limit range, shared backup engine) are named `openclaw-…`. */
export const NAMESPACE_OBJECT_PREFIX = "openclaw-";

/**
 * Which instance of the namespace owns an object of that name, `""` for the
 * namespace's own objects, undefined for a name the program never gives.
 * Every name the program derives for an instance is `<instance>` or
 * `<instance>-…` (config/names.ts, instance/names.ts, the Jobs' names), so
 * this holds for objects added later too.
 */
export function ownerOfName(tenant: TenantModel, name: string): string | undefined {
  if (name.startsWith(NAMESPACE_OBJECT_PREFIX)) return "";
  // Longest first: with instances `bot` and `bot-2`, `bot-2-config` is bot-2's.
  const owners = tenant.instances.map((i) => i.name).sort((a, b) => b.length - a.length);
  return owners.find((owner) => name === owner || name.startsWith(`${owner}-`));
}

export function describeOwner(owner: string): string {
  return owner === "" ? "the tenant namespace's own objects" : `instance "${owner}"`;
}
