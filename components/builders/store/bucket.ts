import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AwsStoreSpec } from "../../config/backup-schema";

type Tags = Record<string, string>;

/** The bucket itself. Object Lock can only be enabled at creation, so it is decided here. */
export function buildBucket(spec: AwsStoreSpec, bucketPrefix: string, tags: Tags): aws.s3.BucketArgs {
  return {
    bucketPrefix,
    forceDestroy: spec.forceDestroy,
    objectLockEnabled: spec.objectLock !== undefined,
    tags,
  };
}

export function buildVersioning(bucket: pulumi.Input<string>): aws.s3.BucketVersioningArgs {
  // Versioning is what makes a retention delete or a ransomware overwrite recoverable.
  return { bucket, versioningConfiguration: { status: "Enabled" } };
}

export function buildEncryption(
  bucket: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string>,
): aws.s3.BucketServerSideEncryptionConfigurationArgs {
  return {
    bucket,
    rules: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
        // One KMS call per bucket key period instead of per object: cheaper, and KMS throttling never fails a backup.
        bucketKeyEnabled: true,
      },
    ],
  };
}

export function buildPublicAccessBlock(bucket: pulumi.Input<string>): aws.s3.BucketPublicAccessBlockArgs {
  return { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
}

export function buildOwnershipControls(bucket: pulumi.Input<string>): aws.s3.BucketOwnershipControlsArgs {
  // ACLs off: access is decided by policies alone.
  return { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } };
}

export function buildObjectLock(
  bucket: pulumi.Input<string>,
  lock: NonNullable<AwsStoreSpec["objectLock"]>,
): aws.s3.BucketObjectLockConfigurationArgs {
  return { bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: lock.mode, days: lock.days } } };
}

/** A bucket name prefix (S3 appends a unique suffix): lowercase, at most 37 characters, ending in '-'. */
export function bucketNamePrefix(...parts: readonly string[]): string {
  const base = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return `${base.slice(0, 36).replace(/-$/, "")}-`;
}
