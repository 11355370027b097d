/**
 * The ownership registry: every namespaced object the fleet creates or an
 * instance's config refers to, with its one owner (the fleet, a tenant, or an
 * instance, and within an instance its app or its backup). Built from the
 * loaded model and the program's own name derivations (config/names.ts,
 * instance/names.ts, instance/owned-objects.ts), so an object added to the
 * program later is owned without a change here. resolve.ts checks every
 * reference against it; docs/security.md's ownership table is generated from
 * OWNERSHIP_RULES below.
 */
import { ownedObjects } from "../owned-objects";
import type { InstanceModel, TenantModel } from "../model";
import { instanceNames, NAMESPACE_OBJECT_PREFIX } from "../names";
import { joinPath } from "../problems";
import { isExclusive, objectReferences, type ObjectReference, type ReferenceKind } from "./references";

export { NAMESPACE_OBJECT_PREFIX };

export type Owner =
  | { readonly kind: "fleet" }
  | { readonly kind: "tenant"; readonly tenant: string }
  | { readonly kind: "instance"; readonly tenant: string; readonly instance: string; readonly backup: boolean };

/** How the registry knows the owner. */
export type Basis =
  /** The program makes an object of that kind and name. */
  | "made"
  /** The name is in an instance's (`<instance>`, `<instance>-…`) or the namespace's (`openclaw-…`) name space. */
  | "pattern"
  /** A user-named object that an instance's config uses in a position that stands for it alone (a claim, its gateway token). */
  | "claimed";

export interface Ownership {
  readonly owner: Owner;
  readonly basis: Basis;
  /** The kind the program makes it as (for `made`), else the reference's kind. */
  readonly kind: string;
  /** For `claimed`: the full config path of the claim. */
  readonly claimPath?: string;
}

/** One instance's use of a user-named object, with its full config path. */
export interface Use {
  readonly instance: string;
  readonly ref: ObjectReference;
  readonly path: string;
}

const sameKind = (a: string, b: ReferenceKind) => b === "object" || a === b || (b === "PersistentVolumeClaim" && a === "VolumeSnapshot");

export function instanceRefPath(instance: { tenant: string; name: string }, path: readonly (string | number)[]): string {
  return joinPath(["tenants", instance.tenant, "instances", instance.name, ...path]);
}

/** The registry of one tenant namespace. */
export class NamespaceRegistry {
  private readonly made = new Map<string, { kind: string; owner: Owner }[]>();
  /** Instance names, longest first: with `bot` and `bot-2`, `bot-2-config` is bot-2's. */
  private readonly instanceNames: string[];
  /** User-named objects by name: every instance's uses of it. */
  readonly uses = new Map<string, Use[]>();

  constructor(readonly tenant: TenantModel) {
    for (const instance of tenant.instances) {
      for (const object of ownedObjects(instance)) {
        const list = this.made.get(object.name) ?? [];
        list.push({ kind: object.kind, owner: { kind: "instance", tenant: tenant.name, instance: instance.name, backup: object.backup } });
        this.made.set(object.name, list);
      }
    }
    this.instanceNames = tenant.instances.map((i) => i.name).sort((a, b) => b.length - a.length);
    for (const instance of tenant.instances) {
      for (const ref of objectReferences(instance.spec)) {
        if (this.programOwner(ref.name, ref.kind) !== undefined) continue;
        const list = this.uses.get(ref.name) ?? [];
        list.push({ instance: instance.name, ref, path: instanceRefPath(instance, ref.path) });
        this.uses.set(ref.name, list);
      }
    }
  }

  private instanceOwner(name: string, backup: boolean): Owner {
    return { kind: "instance", tenant: this.tenant.name, instance: name, backup };
  }

  /** The owner by the program's own names: an object it makes, or a name in an instance's or the namespace's name space. */
  programOwner(name: string, kind: ReferenceKind): Ownership | undefined {
    const made = this.made.get(name)?.find((m) => sameKind(m.kind, kind)) ?? (kind === "object" ? this.made.get(name)?.[0] : undefined);
    if (made !== undefined) return { owner: made.owner, basis: "made", kind: made.kind };
    const instance = this.instanceNames.find((owner) => name === owner || name.startsWith(`${owner}-`));
    // An instance's name space wins over the namespace's when it is longer: instance `openclaw-x` owns `openclaw-x-backup`.
    if (instance !== undefined && (!name.startsWith(NAMESPACE_OBJECT_PREFIX) || instance.length + 1 > NAMESPACE_OBJECT_PREFIX.length)) {
      const backup = name === `${instance}-backup` || name.startsWith(`${instance}-backup-`);
      return { owner: this.instanceOwner(instance, backup), basis: "pattern", kind };
    }
    if (name.startsWith(NAMESPACE_OBJECT_PREFIX)) return { owner: { kind: "tenant", tenant: this.tenant.name }, basis: "pattern", kind };
    return undefined;
  }

  /** The instances that claim a user-named object (an exclusive use), first claimant first. */
  claimants(name: string): Use[] {
    const claims = (this.uses.get(name) ?? []).filter((u) => isExclusive(u.ref));
    const seen = new Set<string>();
    return claims.filter((u) => !seen.has(u.instance) && (seen.add(u.instance), true));
  }

  /**
   * Who owns the object `name` of `kind` in this namespace, as seen from instance `self`, or
   * undefined for a user-managed object nobody claims. A claim contested by several instances
   * is another's for each of them, so every claimant is refused, each naming another's path.
   */
  ownerOf(name: string, kind: ReferenceKind, self?: string): Ownership | undefined {
    const program = this.programOwner(name, kind);
    if (program !== undefined) return program;
    const claimants = this.claimants(name);
    const other = claimants.find((c) => c.instance !== self);
    const claim = other ?? claimants[0];
    if (claim === undefined) return undefined;
    return { owner: this.instanceOwner(claim.instance, false), basis: "claimed", kind: claim.ref.kind, claimPath: claim.path };
  }
}

export function describeOwner(owner: Owner, self?: InstanceModel): string {
  switch (owner.kind) {
    case "fleet":
      return "the fleet";
    case "tenant":
      return `the tenant namespace's own objects (tenant "${owner.tenant}")`;
    case "instance":
      return self !== undefined && owner.instance === self.name && owner.tenant === self.tenant
        ? "this instance"
        : `instance "${owner.instance}"`;
  }
}

/** One row of the ownership table in docs/security.md. */
export interface OwnershipRule {
  readonly what: string;
  readonly names: string;
  readonly owner: string;
  readonly mayRefer: string;
}

/**
 * What the registry knows, as the table in docs/security.md (generated by
 * `npm run docs:security`; test/docs/security-table.test.ts keeps it equal).
 */
export function ownershipRules(): OwnershipRule[] {
  const sample = {
    tenant: "<tenant>",
    name: "<instance>",
    namespace: "<namespace>",
    logicalName: "",
    names: undefined,
    spec: undefined,
  } as unknown as InstanceModel;
  const objects = ownedObjectsOfSample(sample);
  const app = objects.filter((o) => !o.backup);
  const backup = objects.filter((o) => o.backup);
  const list = (os: typeof objects) => [...new Set(os.map((o) => `${o.kind} \`${o.name}\``))].join(", ");
  return [
    {
      what: "Objects the program makes for an instance's app",
      names: list(app),
      owner: "the instance",
      mayRefer:
        "the instance itself, except the ones an option replaces (`config.configMapRef`, `gateway.existingSecret`, `ingress.security.basicAuth.existingSecret` must name your own object)",
    },
    {
      what: "Objects the program makes for an instance's backup",
      names: list(backup),
      owner: "the instance's backup",
      mayRefer: "nobody's config: the app never holds store credentials or the passphrase, not even its own; no RBAC rule may name them",
    },
    {
      what: "Any other name in an instance's name space",
      names: "`<instance>`, `<instance>-…` (longest instance name wins; `<instance>-backup…` is its backup's)",
      owner: "the instance",
      mayRefer: "the instance itself (its backup's names: nobody)",
    },
    {
      what: "Objects of the tenant namespace",
      names: "`openclaw-…` (quota, limit range, backup engine, lifecycle hooks), unless an instance's longer name space holds the name",
      owner: "the tenant (the program)",
      mayRefer: "nobody's config; no RBAC rule may name them",
    },
    {
      what: "A user-named claim or gateway token",
      names:
        "any name used as a PersistentVolumeClaim (`persistence`, `workspaceVolume`, `ollama.storage`, volumes, ephemeral `dataSource`) or as `gateway.existingSecret`",
      owner: "the one instance that uses it",
      mayRefer: "that instance, in one volume position only; when two instances use it, each is refused, naming the other's path",
    },
    {
      what: "Other user-named Secrets and ConfigMaps",
      names: "any other name",
      owner: "the tenant (you manage them)",
      mayRefer: "every instance of the tenant (shared on purpose); RBAC changes only to objects no other instance uses",
    },
    {
      what: "Objects an annotation names",
      names:
        "`nginx.ingress.kubernetes.io/` `auth-secret`, `auth-tls-secret`, `proxy-ssl-secret`, `auth-proxy-set-headers`, `custom-headers`, `default-backend`: `<name>` or `<namespace>/<name>`",
      owner: "as above, by name",
      mayRefer: "resolved like any other reference; another namespace is refused",
    },
    {
      what: "Stack secrets used by the fleet",
      names: "`secrets.<name>` referenced outside `tenants` and `defaults` (e.g. `backup.store.credentials`)",
      owner: "the fleet",
      mayRefer: "only those fleet positions; never a tenant's block",
    },
    {
      what: "Stack secrets used in `defaults`",
      names: "`secrets.<name>` referenced under `defaults`",
      owner: "the fleet, shared with every instance",
      mayRefer: "every instance, for the same purpose as in `defaults` (a passphrase stays a passphrase)",
    },
    {
      what: "Stack secrets used by a tenant",
      names: "`secrets.<name>` referenced under `tenants.<tenant>`",
      owner: "that tenant",
      mayRefer: "that tenant's block only; store keys and backup passphrases never in an env value",
    },
    {
      what: "Host names",
      names:
        "`ingress.hosts[].host`, `ingress.tls[].hosts`, `nginx.ingress.kubernetes.io/server-alias`, `external-dns.alpha.kubernetes.io/hostname`",
      owner: "one instance, fleet-wide (a wildcard covers its subdomains)",
      mayRefer: "that instance only; when two instances claim it, each is refused, naming the other's path",
    },
    {
      what: "Tailscale host names",
      names: "`tailscale.hostname` (default: the instance name)",
      owner: "one instance, fleet-wide",
      mayRefer: "that instance only",
    },
    {
      what: "Namespaces",
      names: "`tenants.<tenant>.namespace` (default `openclaw-<tenant>`)",
      owner: "one tenant",
      mayRefer: "never the cluster's own or a controller's (see below), nor one another tenant's policy admits",
    },
  ];
}

function ownedObjectsOfSample(sample: InstanceModel) {
  // ownedObjects reads the instance's name and names only; the sample carries the placeholders.
  return ownedObjects({ ...sample, names: instanceNames("<instance>") });
}
