import type * as pulumi from "@pulumi/pulumi";
import type { BackupSpec } from "./backup-schema";
import type { InstanceSpec } from "./instance-schema";
import type { InstanceNames } from "./names";
import type { SecretRef } from "./primitives";
import type { RolloutSpec } from "./rollout-schema";
import type { PlatformSpec, StackSpec, TenantSpec } from "./stack-schema";

/** Everything the components need about one instance, validated and with defaults applied. */
export interface InstanceModel {
  readonly tenant: string;
  readonly name: string;
  readonly namespace: string;
  /** Pulumi logical name, unique in the fleet: `<tenant>/<instance>`. */
  readonly logicalName: string;
  readonly names: InstanceNames;
  readonly spec: InstanceSpec;
}

export interface TenantModel {
  readonly name: string;
  readonly namespace: string;
  readonly spec: Omit<TenantSpec, "instances">;
  /** Sorted by name, so registration order (and render output) is stable. */
  readonly instances: readonly InstanceModel[];
}

/** Resolves `{ secretRef }` config values into secret Outputs. */
export interface SecretResolver {
  resolve(ref: SecretRef): pulumi.Output<string>;
}

export interface FleetModel {
  /** The Pulumi project name, which is also the config namespace. */
  readonly project: string;
  readonly cluster: StackSpec["cluster"];
  readonly aws: StackSpec["aws"];
  readonly backup: BackupSpec;
  /** Sorted by name. */
  readonly tenants: readonly TenantModel[];
  readonly rollout: RolloutSpec;
  /** What the platform team allows single tenants (`platform`), e.g. whose backups a tenant may restore. */
  readonly platform: PlatformSpec;
  readonly secrets: SecretResolver;
}

// Built once per fleet model, so a per-instance lookup costs O(1) instead of a scan of the fleet.
const tenantIndexes = new WeakMap<Pick<FleetModel, "tenants">, ReadonlyMap<string, TenantModel>>();
const instanceIndexes = new WeakMap<Pick<FleetModel, "tenants">, ReadonlyMap<string, InstanceModel>>();

/** The tenant of that name, or undefined. */
export function findTenantModel(fleet: Pick<FleetModel, "tenants">, tenant: string): TenantModel | undefined {
  let index = tenantIndexes.get(fleet);
  if (index === undefined) {
    index = new Map(fleet.tenants.map((t) => [t.name, t]));
    tenantIndexes.set(fleet, index);
  }
  return index.get(tenant);
}

/** The instance `<tenant>/<instance>`, or undefined (e.g. one removed from the config). */
export function findInstanceModel(fleet: Pick<FleetModel, "tenants">, tenant: string, instance: string): InstanceModel | undefined {
  let index = instanceIndexes.get(fleet);
  if (index === undefined) {
    index = new Map(fleet.tenants.flatMap((t) => t.instances.map((i) => [`${t.name}/${i.name}`, i] as const)));
    instanceIndexes.set(fleet, index);
  }
  return index.get(`${tenant}/${instance}`);
}
