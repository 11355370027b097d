import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsStoreSpec } from "../config/backup-schema";
import { bucketPolicy, policyJson } from "../builders/iam";
import {
  buildBucket,
  buildEncryption,
  buildObjectLock,
  buildOwnershipControls,
  buildPublicAccessBlock,
  buildVersioning,
} from "../builders/store/bucket";
import { buildLifecycleRules } from "../builders/store/lifecycle";
import { BucketGuard } from "./bucket-guard";

export interface EncryptedBucketArgs {
  readonly spec: AwsStoreSpec;
  /** The backup prefix (`backups/`), which the lifecycle safety net expires. */
  readonly prefix: string;
  /** The key that encrypts objects written without an explicit key. */
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly expireAfterDays: number;
  /** Bucket name prefix; S3 names are global, so AWS appends a unique suffix. */
  readonly bucketPrefix: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The AWS region of the provider the bucket is created with. */
  readonly region: string;
}

/**
 * One private, versioned, SSE-KMS bucket: public access blocked, ACLs off,
 * TLS required, lifecycle rules, optional Object Lock.
 */
export class EncryptedBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EncryptedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:EncryptedBucket", name, {}, opts);
    // Kept when the stack is destroyed or the store removed (keepOnDestroy), with every setting that protects it.
    const child = { parent: this, retainOnDelete: args.spec.keepOnDestroy };
    // A bucket of backups is never replaced by a config change: that would leave every snapshot behind.
    const guard = new BucketGuard(
      `${name}-guard`,
      { configPath: "backup.store", bucketPrefix: args.bucketPrefix, region: args.region, objectLock: args.spec.objectLock !== undefined },
      { parent: this },
    );
    this.bucket = new aws.s3.Bucket(name, buildBucket(args.spec, args.bucketPrefix, { ...args.tags }), { ...child, dependsOn: [guard] });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, buildOwnershipControls(this.name), child);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, buildPublicAccessBlock(this.name), child);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, buildVersioning(this.name), child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, buildEncryption(this.name, args.kmsKeyArn), child);
    // S3 rejects concurrent bucket-config writes ("conflicting conditional operation"), so policy waits for the blocks.
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: this.name, policy: this.arn.apply((arn) => policyJson(bucketPolicy(arn))) },
      { ...child, dependsOn: [publicAccess, ownership] },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: this.name, rules: buildLifecycleRules(args.spec.lifecycle, args.prefix, args.expireAfterDays) },
      // Noncurrent-version rules mean nothing until versioning is on.
      { ...child, dependsOn: [versioning] },
    );
    if (args.spec.objectLock !== undefined) {
      new aws.s3.BucketObjectLockConfiguration(`${name}-object-lock`, buildObjectLock(this.name, args.spec.objectLock), {
        ...child,
        dependsOn: [versioning],
      });
    }
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
