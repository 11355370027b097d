import type * as aws from "@pulumi/aws";
import type { AwsStoreSpec } from "../../config/backup-schema";

/**
 * A customer-managed key for backups. Rotation on; no explicit key policy, so
 * AWS's default applies (the account may delegate use to IAM policies), and
 * the backup roles' own policies decide who may use it and how.
 */
export function buildKmsKey(spec: AwsStoreSpec, description: string, tags: Record<string, string>): aws.kms.KeyArgs {
  return {
    description,
    enableKeyRotation: true,
    deletionWindowInDays: spec.kmsDeletionWindowDays,
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    tags,
  };
}

/** `alias/<...>`: a name an operator recognises in the console. */
export function kmsAliasName(...parts: readonly string[]): string {
  return `alias/${parts.map((p) => p.replace(/[^a-zA-Z0-9_-]+/g, "-")).join("/")}`;
}
