import type * as aws from "@pulumi/aws";
import type { AwsStoreSpec } from "../../config/backup-schema";

export const LIFECYCLE_RULE_IDS = {
  abortMultipart: "abort-incomplete-multipart-uploads",
  noncurrent: "expire-noncurrent-versions",
  safetyNet: "expire-backups-safety-net",
} as const;

/**
 * The bucket's lifecycle: failed multipart uploads are aborted, versions that
 * retention deleted (or that were overwritten) are purged after a grace
 * period, and everything under the backup prefix expires after
 * `expireAfterDays` as a safety net that also covers instances which no
 * longer exist (nothing else would ever prune their snapshots).
 */
export function buildLifecycleRules(
  lifecycle: AwsStoreSpec["lifecycle"],
  prefix: string,
  expireAfterDays: number,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: LIFECYCLE_RULE_IDS.abortMultipart,
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays },
    },
    {
      id: LIFECYCLE_RULE_IDS.noncurrent,
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: lifecycle.noncurrentVersionExpirationDays },
      // Once its noncurrent versions are gone, a lone delete marker is clutter that slows every listing.
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      id: LIFECYCLE_RULE_IDS.safetyNet,
      status: "Enabled",
      filter: { prefix },
      expiration: { days: expireAfterDays },
    },
  ];
}
