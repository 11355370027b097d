import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsStoreSpec, S3CompatibleStoreSpec } from "../config/backup-schema";
import { INSTANCE_TAG, TENANT_LABEL } from "../config/labels";
import type { FleetModel } from "../config/model";
import { eksClusterIdentity, type EksClusterIdentity } from "../backup-identity/eks-cluster";
import { bucketNamePrefix } from "../builders/store/bucket";
import { buildKmsKey, kmsAliasName } from "../builders/store/key";
import { EncryptedBucket } from "./encrypted-bucket";
import type { BackupStoreRef } from "../builders/store/ref";
import { safetyNetExpiryDays } from "../builders/store/retention";

export type { BackupStoreRef, RcloneS3Provider } from "../builders/store/ref";

export interface BackupStoreArgs {
  /** The validated stack config; `model.backup.store` decides what is created. */
  readonly model: FleetModel;
}

interface Location {
  readonly bucket: EncryptedBucket;
  readonly key: aws.kms.Key;
}

/** The key of an instance's own location with `bucketPer: instance`, and of its entry in the `backupBuckets` output. */
export function instanceLocationKey(tenant: string, instance: string): string {
  return `${tenant}/${instance}`;
}

/**
 * The object store for a fleet's backups. On AWS: private, versioned, SSE-KMS
 * buckets with lifecycle rules, and customer-managed keys: a bucket per fleet,
 * per tenant or per backed-up instance, a key per fleet, per tenant or per
 * instance. An S3-compatible store is only referenced. Instances reach it
 * through `refFor(tenant, instance)`.
 */
export class BackupStore extends pulumi.ComponentResource {
  /** The one ref every tenant shares, when bucket and key are per fleet (or the store is S3-compatible). */
  public readonly ref: BackupStoreRef | undefined;
  /** With `bucketPer: instance`: every backed-up instance has a bucket of its own, and refs are by instance. */
  public readonly perInstance: boolean;
  /** By tenant, or by `<tenant>/<instance>` (instanceLocationKey) with a bucket per instance. */
  private readonly refs = new Map<string, BackupStoreRef>();
  private readonly shared: BackupStoreRef | undefined;
  private readonly tenantNames: readonly string[];

  constructor(name: string, args: BackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupStore", name, {}, opts);
    const model = args.model;
    const store = model.backup.store;
    if (store === undefined) throw new Error("BackupStore needs backup.store (validated config should have caught this)");
    this.tenantNames = model.tenants.map((t) => t.name);
    this.perInstance = store.kind === "aws" && store.bucketPer === "instance";
    const cluster = eksClusterIdentity(model, { parent: this });
    const forInstance = (tenant: string, instance: string) => this.refFor(tenant, instance);

    if (store.kind === "s3Compatible") {
      this.shared = s3CompatibleRef(store, model.backup.prefix, forInstance);
    } else {
      const locations = this.createAwsLocations(name, model, store);
      const region = model.aws?.region;
      if (region === undefined) throw new Error("an aws backup store needs aws.region (validated config should have caught this)");
      const refOf = (location: Location): BackupStoreRef => ({
        kind: "aws",
        bucket: location.bucket.name,
        bucketArn: location.bucket.arn,
        prefix: model.backup.prefix,
        region,
        provider: "AWS",
        kmsKeyArn: location.key.arn,
        cluster,
        forInstance,
      });
      for (const [where, location] of locations.scoped) this.refs.set(where, refOf(location));
      if (locations.fleet !== undefined) this.shared = refOf(locations.fleet);
    }
    this.ref = this.shared;
    this.registerOutputs({
      buckets: Object.fromEntries([...this.allRefs()].map(([t, r]) => [t, r.bucket])),
      kmsKeys: Object.fromEntries([...this.allRefs()].map(([t, r]) => [t, r.kmsKeyArn])),
    });
  }

  /**
   * Where the backups of `instance` of `tenant` go. With a bucket per
   * instance the instance is required (and must have backups on); otherwise
   * it is ignored: the tenant's bucket and key serve all its instances.
   */
  refFor(tenant: string, instance?: string): BackupStoreRef {
    if (this.perInstance) {
      if (instance === undefined)
        throw new Error(`backup.store.bucketPer is instance: the store of tenant "${tenant}" depends on the instance, and none was given`);
      const own = this.refs.get(instanceLocationKey(tenant, instance));
      if (own === undefined)
        throw new Error(
          `instance "${tenant}/${instance}" has no bucket in this stack's backup store (it is not configured, or its backups are off)`,
        );
      return own;
    }
    const ref = this.refs.get(tenant) ?? this.shared;
    if (ref === undefined) throw new Error(`tenant "${tenant}" has no bucket or key in this stack's backup store`);
    return ref;
  }

  /**
   * The bucket names the fleet CLI looks up (the `backupBuckets` stack output): by tenant, or by
   * `<tenant>/<instance>` for every backed-up instance with a bucket per instance.
   */
  bucketNames(): Record<string, pulumi.Output<string>> {
    if (this.perInstance) return Object.fromEntries([...this.refs].map(([where, ref]) => [where, ref.bucket]));
    return Object.fromEntries(this.tenantNames.map((tenant) => [tenant, this.refFor(tenant).bucket]));
  }

  private *allRefs(): Iterable<[string, BackupStoreRef]> {
    if (this.shared !== undefined) yield ["fleet", this.shared];
    yield* this.refs;
  }

  private createAwsLocations(name: string, model: FleetModel, spec: AwsStoreSpec): { fleet?: Location; scoped: Map<string, Location> } {
    const child = { parent: this };
    const stack = pulumi.getStack();
    const expireAfterDays = safetyNetExpiryDays(model, spec.lifecycle);
    const tagsFor = (tenant?: string, instance?: string): Record<string, string> => ({
      ...spec.tags,
      "app.kubernetes.io/part-of": "openclaw-fleet",
      "openclaw.io/stack": stack,
      ...(tenant !== undefined ? { [TENANT_LABEL]: tenant } : {}),
      ...(instance !== undefined ? { [INSTANCE_TAG]: instance } : {}),
    });
    const newKey = (logical: string, tenant?: string, instance?: string): aws.kms.Key => {
      const owner = tenant === undefined ? "fleet" : instance === undefined ? `tenant ${tenant}` : `instance ${tenant}/${instance}`;
      const scope = `${owner}${tenant === undefined ? " " : " of "}${model.project}/${stack}`;
      // A deleted key makes every backup it encrypts unreadable: kept with the bucket (keepOnDestroy).
      const kept = { ...child, retainOnDelete: spec.keepOnDestroy };
      const key = new aws.kms.Key(logical, buildKmsKey(spec, `OpenClaw backups: ${scope}`, tagsFor(tenant, instance)), kept);
      const aliasParts = [tenant, instance].filter((part): part is string => part !== undefined);
      new aws.kms.Alias(
        `${logical}-alias`,
        { name: kmsAliasName("openclaw", model.project, stack, ...aliasParts), targetKeyId: key.keyId },
        kept,
      );
      return key;
    };
    const newBucket = (logical: string, key: aws.kms.Key, tenant?: string, instance?: string): EncryptedBucket =>
      new EncryptedBucket(
        logical,
        {
          spec,
          prefix: model.backup.prefix,
          kmsKeyArn: key.arn,
          expireAfterDays,
          bucketPrefix: bucketNamePrefix(
            model.project,
            stack,
            ...(tenant !== undefined ? [tenant, ...(instance !== undefined ? [instance] : [])] : ["backups"]),
          ),
          tags: tagsFor(tenant, instance),
          region: model.aws?.region ?? "",
        },
        child,
      );

    if (spec.bucketPer === "instance") return { scoped: this.createInstanceLocations(name, model, spec, newKey, newBucket) };

    // A fleet key is needed for a shared bucket's default encryption even when tenants have their own keys.
    const fleetKey = spec.kmsKeyPer === "fleet" || spec.bucketPer === "fleet" ? newKey(`${name}-key`) : undefined;
    const fleetBucket = spec.bucketPer === "fleet" && fleetKey !== undefined ? newBucket(`${name}-bucket`, fleetKey) : undefined;
    const perTenant = new Map<string, Location>();
    if (spec.bucketPer === "tenant" || spec.kmsKeyPer === "tenant") {
      for (const tenant of model.tenants) {
        const key = spec.kmsKeyPer === "tenant" ? newKey(`${name}-${tenant.name}-key`, tenant.name) : fleetKey;
        if (key === undefined) throw new Error("unreachable: no KMS key for a tenant");
        const bucket = spec.bucketPer === "tenant" ? newBucket(`${name}-${tenant.name}-bucket`, key, tenant.name) : fleetBucket;
        if (bucket === undefined) throw new Error("unreachable: no bucket for a tenant");
        perTenant.set(tenant.name, { bucket, key });
      }
    }
    const fleet =
      fleetBucket !== undefined && fleetKey !== undefined && spec.kmsKeyPer === "fleet"
        ? { bucket: fleetBucket, key: fleetKey }
        : undefined;
    return { fleet, scoped: perTenant };
  }

  /**
   * `bucketPer: instance`: a bucket for every instance with backups on, named
   * `<name>-<tenant>/<instance>-bucket` (a `/` can occur in neither name, so
   * no two pairs share a name), encrypted with the fleet's, its tenant's or
   * its own key. Tenant keys exist only for tenants with a backed-up instance.
   */
  private createInstanceLocations(
    name: string,
    model: FleetModel,
    spec: AwsStoreSpec,
    newKey: (logical: string, tenant?: string, instance?: string) => aws.kms.Key,
    newBucket: (logical: string, key: aws.kms.Key, tenant?: string, instance?: string) => EncryptedBucket,
  ): Map<string, Location> {
    const backedUp = model.tenants.map((tenant) => ({
      tenant: tenant.name,
      instances: tenant.instances.filter((i) => i.spec.backup.enabled).map((i) => i.name),
    }));
    const fleetKey = spec.kmsKeyPer === "fleet" && backedUp.some((t) => t.instances.length > 0) ? newKey(`${name}-key`) : undefined;
    const locations = new Map<string, Location>();
    for (const { tenant, instances } of backedUp) {
      if (instances.length === 0) continue;
      const tenantKey = spec.kmsKeyPer === "tenant" ? newKey(`${name}-${tenant}-key`, tenant) : fleetKey;
      for (const instance of instances) {
        const where = instanceLocationKey(tenant, instance);
        const key = spec.kmsKeyPer === "instance" ? newKey(`${name}-${where}-key`, tenant, instance) : tenantKey;
        if (key === undefined) throw new Error(`unreachable: no KMS key for instance ${where}`);
        locations.set(where, { bucket: newBucket(`${name}-${where}-bucket`, key, tenant, instance), key });
      }
    }
    return locations;
  }
}

function s3CompatibleRef(store: S3CompatibleStoreSpec, prefix: string, forInstance: BackupStoreRef["forInstance"]): BackupStoreRef {
  return {
    kind: "s3Compatible",
    bucket: pulumi.output(store.bucket),
    // The AWS ARN form; MinIO and Ceph policies use it too.
    bucketArn: pulumi.output(`arn:aws:s3:::${store.bucket}`),
    prefix,
    region: store.region,
    provider: store.provider,
    endpoint: store.endpoint,
    forInstance,
  };
}

export type { EksClusterIdentity };
