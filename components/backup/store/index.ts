import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsStoreSpec, S3CompatibleStoreSpec } from "../../config/backup-schema";
import { TENANT_LABEL } from "../../config/labels";
import type { FleetModel } from "../../config/model";
import { eksClusterIdentity, type EksClusterIdentity } from "../identity/eks-cluster";
import { bucketNamePrefix } from "./builders/bucket";
import { buildKmsKey, kmsAliasName } from "./builders/key";
import { EncryptedBucket } from "./encrypted-bucket";
import type { BackupStoreRef } from "./ref";
import { safetyNetExpiryDays } from "./retention";

export type { BackupStoreRef, RcloneS3Provider } from "./ref";

export interface BackupStoreArgs {
  /** The validated stack config; `model.backup.store` decides what is created. */
  readonly model: FleetModel;
}

interface Location {
  readonly bucket: EncryptedBucket;
  readonly key: aws.kms.Key;
}

/**
 * The object store for a fleet's backups. On AWS: a private, versioned,
 * SSE-KMS bucket with lifecycle rules, and a customer-managed key, each one
 * per fleet or one per tenant. An S3-compatible store is only referenced.
 * Instances reach it through `refFor(tenant)`.
 */
export class BackupStore extends pulumi.ComponentResource {
  /** The one ref every tenant shares, when bucket and key are per fleet (or the store is S3-compatible). */
  public readonly ref: BackupStoreRef | undefined;
  private readonly refs = new Map<string, BackupStoreRef>();
  private readonly shared: BackupStoreRef | undefined;

  constructor(name: string, args: BackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupStore", name, {}, opts);
    const model = args.model;
    const store = model.backup.store;
    if (store === undefined) throw new Error("BackupStore needs backup.store (validated config should have caught this)");
    const cluster = eksClusterIdentity(model, { parent: this });
    const forTenant = (tenant: string) => this.refFor(tenant);

    if (store.kind === "s3Compatible") {
      this.shared = s3CompatibleRef(store, model.backup.prefix, forTenant);
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
        forTenant,
      });
      for (const [tenant, location] of locations.perTenant) this.refs.set(tenant, refOf(location));
      if (locations.fleet !== undefined) this.shared = refOf(locations.fleet);
    }
    this.ref = this.shared;
    this.registerOutputs({
      buckets: Object.fromEntries([...this.tenantRefs()].map(([t, r]) => [t, r.bucket])),
      kmsKeys: Object.fromEntries([...this.tenantRefs()].map(([t, r]) => [t, r.kmsKeyArn])),
    });
  }

  /** Where the backups of `tenant` go. */
  refFor(tenant: string): BackupStoreRef {
    const ref = this.refs.get(tenant) ?? this.shared;
    if (ref === undefined) throw new Error(`tenant "${tenant}" has no bucket or key in this stack's backup store`);
    return ref;
  }

  private *tenantRefs(): Iterable<[string, BackupStoreRef]> {
    if (this.shared !== undefined) yield ["fleet", this.shared];
    yield* this.refs;
  }

  private createAwsLocations(name: string, model: FleetModel, spec: AwsStoreSpec): { fleet?: Location; perTenant: Map<string, Location> } {
    const child = { parent: this };
    const stack = pulumi.getStack();
    const expireAfterDays = safetyNetExpiryDays(model, spec.lifecycle);
    const tagsFor = (tenant?: string): Record<string, string> => ({
      ...spec.tags,
      "app.kubernetes.io/part-of": "openclaw-fleet",
      "openclaw.io/stack": stack,
      ...(tenant !== undefined ? { [TENANT_LABEL]: tenant } : {}),
    });
    const newKey = (logical: string, tenant?: string): aws.kms.Key => {
      const scope = tenant === undefined ? `fleet ${model.project}/${stack}` : `tenant ${tenant} of ${model.project}/${stack}`;
      // A deleted key makes every backup it encrypts unreadable: kept with the bucket (keepOnDestroy).
      const kept = { ...child, retainOnDelete: spec.keepOnDestroy };
      const key = new aws.kms.Key(logical, buildKmsKey(spec, `OpenClaw backups: ${scope}`, tagsFor(tenant)), kept);
      new aws.kms.Alias(`${logical}-alias`, { name: kmsAliasName("openclaw", model.project, stack, ...(tenant ? [tenant] : [])), targetKeyId: key.keyId }, kept);
      return key;
    };
    const newBucket = (logical: string, key: aws.kms.Key, tenant?: string): EncryptedBucket =>
      new EncryptedBucket(
        logical,
        {
          spec,
          prefix: model.backup.prefix,
          kmsKeyArn: key.arn,
          expireAfterDays,
          bucketPrefix: bucketNamePrefix(model.project, stack, tenant ?? "backups"),
          tags: tagsFor(tenant),
          region: model.aws?.region ?? "",
        },
        child,
      );

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
    const fleet = fleetBucket !== undefined && fleetKey !== undefined && spec.kmsKeyPer === "fleet" ? { bucket: fleetBucket, key: fleetKey } : undefined;
    return { fleet, perTenant };
  }
}

function s3CompatibleRef(store: S3CompatibleStoreSpec, prefix: string, forTenant: (tenant: string) => BackupStoreRef): BackupStoreRef {
  return {
    kind: "s3Compatible",
    bucket: pulumi.output(store.bucket),
    // The AWS ARN form; MinIO and Ceph policies use it too.
    bucketArn: pulumi.output(`arn:aws:s3:::${store.bucket}`),
    prefix,
    region: store.region,
    provider: store.provider,
    endpoint: store.endpoint,
    forTenant,
  };
}

export type { EksClusterIdentity };
