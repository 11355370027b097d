import type * as pulumi from "@pulumi/pulumi";
import type { BackupSpec } from "./backup-schema";
import type { InstanceSpec } from "./instance-schema";
import type { InstanceNames } from "./names";
import type { SecretRef } from "./primitives";
import type { StackSpec, TenantSpec } from "./stack-schema";

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
  readonly secrets: SecretResolver;
}
