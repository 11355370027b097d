import type * as pulumi from "@pulumi/pulumi";
import type { EksClusterIdentity } from "../identity/cluster-identity";

/** rclone's name for the S3 implementation behind a store (its `provider` option). */
export type RcloneS3Provider = "AWS" | "Cloudflare" | "Minio" | "Wasabi" | "Ceph" | "GCS" | "Other";

/**
 * What an instance's backup needs to know about the store its snapshots go
 * to. One ref per tenant, or per instance with `bucketPer: instance`: with a
 * bucket or a KMS key per tenant or instance, two of them get different refs
 * from the same BackupStore.
 */
export interface BackupStoreRef {
  readonly kind: "aws" | "s3Compatible";
  /** Bucket name (an Output: on AWS the bucket is created by this stack). */
  readonly bucket: pulumi.Output<string>;
  /** `arn:aws:s3:::<bucket>`; IAM resources are built from it. */
  readonly bucketArn: pulumi.Output<string>;
  /** Object-key prefix, ending in `/`; below it: `<tenant>/<instance>/`. */
  readonly prefix: string;
  readonly region: string;
  /** rclone provider name (AWS, Cloudflare, Minio, …). */
  readonly provider: RcloneS3Provider;
  /** Endpoint URL of an S3-compatible store; undefined on AWS (rclone derives it from the region). */
  readonly endpoint?: string;
  /** The customer-managed key that encrypts this tenant's (or instance's) objects (AWS only). */
  readonly kmsKeyArn?: pulumi.Output<string>;
  /** The EKS cluster the backup roles trust (irsa, podIdentity); undefined with static keys. */
  readonly cluster?: EksClusterIdentity;
  /**
   * Where another instance's snapshots are in the same store, for restore
   * (clone) sources: its tenant's bucket and key, or its own with
   * `bucketPer: instance`. Throws for one that has no bucket or key here.
   */
  readonly forInstance: (tenant: string, instance: string) => BackupStoreRef;
}
