/**
 * One mechanism for ownership: the registry (registry.ts, stack-secrets.ts,
 * global-names.ts) knows the owner of every name the fleet creates or refers
 * to, and the resolver (resolve.ts) checks every reference of every instance
 * against it. See docs/security.md, "Who owns what".
 */
import type { TenantModel } from "../model";
import { NamespaceRegistry } from "./registry";

const registries = new WeakMap<TenantModel, NamespaceRegistry>();

/** The registry of a tenant's namespace, built once per loaded tenant. */
export function namespaceRegistry(tenant: TenantModel): NamespaceRegistry {
  let registry = registries.get(tenant);
  if (registry === undefined) {
    registry = new NamespaceRegistry(tenant);
    registries.set(tenant, registry);
  }
  return registry;
}

export { describeOwner, NAMESPACE_OBJECT_PREFIX, NamespaceRegistry, ownershipRules, type Owner, type Ownership } from "./registry";
export { objectReferences, type ObjectReference } from "./references";
