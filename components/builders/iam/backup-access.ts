import { policyDocument, type PolicyDocument, type PolicyStatement } from "./document";
import { objectsArn, s3ServiceEndpoint } from "./paths";

/** A key prefix in a bucket, and the KMS key its objects are encrypted with (AWS). */
export interface PrefixLocation {
  readonly bucketArn: string;
  /** Object-key prefix ending in `/`, e.g. `backups/acme/support/`. */
  readonly keyPrefix: string;
  readonly kmsKeyArn?: string;
}

export interface BackupAccessPolicyArgs {
  /** The instance's own prefix: read, write, delete. */
  readonly own: PrefixLocation;
  /** Region of the bucket(s); S3 calls KMS from `s3.<region>.amazonaws.com`. */
  readonly region: string;
  /** Another instance's prefix the instance may restore (clone) from: read only. */
  readonly restoreSource?: PrefixLocation;
}

/**
 * The only permissions a backup identity has. Each S3 action is granted on
 * exactly one instance prefix:
 *
 * - ListBucket only with an `s3:prefix` inside the prefix. `<prefix>` without
 *   its trailing `/` is deliberately not allowed: listing `backups/acme/bot`
 *   would also reveal the keys of `backups/acme/bot2/`.
 * - Get/Put on the objects; Delete because retention prunes old snapshots
 *   (on a versioned bucket a delete only adds a delete marker, and no
 *   `s3:DeleteObjectVersion` is granted, so nothing is destroyed before the
 *   noncurrent-version lifecycle rule runs); AbortMultipartUpload so that a
 *   failed large upload can clean up its own parts.
 * - KMS only on the store's key, only when S3 calls it (`kms:ViaService`) for
 *   this bucket (the S3 Bucket Key encryption context is the bucket ARN).
 */
export function backupAccessPolicy(args: BackupAccessPolicyArgs): PolicyDocument {
  const { own, restoreSource, region } = args;
  const statements: PolicyStatement[] = [
    listStatement("ListOwnPrefix", own),
    {
      Sid: "ReadWriteOwnObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: objectsArn(own.bucketArn, own.keyPrefix),
    },
  ];
  if (own.kmsKeyArn !== undefined) {
    statements.push(
      kmsStatement("UseStoreKey", own.bucketArn, own.kmsKeyArn, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], region),
    );
  }
  if (restoreSource !== undefined) {
    statements.push(listStatement("ListRestoreSource", restoreSource), {
      Sid: "ReadRestoreSource",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: objectsArn(restoreSource.bucketArn, restoreSource.keyPrefix),
    });
    if (restoreSource.kmsKeyArn !== undefined) {
      statements.push(kmsStatement("DecryptRestoreSource", restoreSource.bucketArn, restoreSource.kmsKeyArn, ["kms:Decrypt"], region));
    }
  }
  return policyDocument(statements);
}

function listStatement(sid: string, location: PrefixLocation): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: location.bucketArn,
    Condition: { StringLike: { "s3:prefix": [location.keyPrefix, `${location.keyPrefix}*`] } },
  };
}

function kmsStatement(sid: string, bucketArn: string, keyArn: string, actions: readonly string[], region: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: keyArn,
    Condition: {
      StringEquals: {
        "kms:ViaService": s3ServiceEndpoint(region),
        "kms:EncryptionContext:aws:s3:arn": bucketArn,
      },
    },
  };
}
