import * as pulumi from "@pulumi/pulumi";
import { settingsGuardProvider, type GuardFailure } from "../guards/settings-guard";

/** What forces AWS to replace a bucket: a new bucket would leave every snapshot in the old one. */
export interface BucketIdentity {
  /** Config path of the store, for the message. */
  readonly configPath: string;
  readonly bucketPrefix: string;
  readonly region: string;
  readonly objectLock: boolean;
}

/**
 * Compares a backup bucket's replacement-forcing settings with those it was
 * created with. Pulumi would replace the bucket (a new, empty one; the old
 * one kept but no longer written or read), so the preview fails instead.
 *
 * Self-contained on purpose: Pulumi serializes it into the dynamic provider.
 */
export function bucketGuardFailures(olds: Partial<BucketIdentity> | undefined, news: BucketIdentity): GuardFailure[] {
  const failures: GuardFailure[] = [];
  if (olds === undefined || olds.bucketPrefix === undefined) return failures;
  const fix =
    "AWS cannot change it on an existing bucket, and a new bucket would start empty while every snapshot stays in the old one. Revert the change; " +
    "to move the backups, copy them to a new store and point a new stack at it (docs/runbooks/).";
  // A plain loop, no inner named function: tsx would wrap one in a helper the provider host lacks.
  const settings: [keyof BucketIdentity, string, unknown, unknown][] = [
    ["bucketPrefix", "the name prefix", olds.bucketPrefix, news.bucketPrefix],
    ["region", "region", olds.region, news.region],
    ["objectLock", "Object Lock", olds.objectLock ?? false, news.objectLock],
  ];
  for (const [property, what, was, now] of settings) {
    if (was !== now)
      failures.push({
        property,
        reason: `${news.configPath}: the backup bucket was created with ${what} ${JSON.stringify(was)}, not ${JSON.stringify(now)}. ${fix}`,
      });
  }
  return failures;
}

const guardProvider = settingsGuardProvider(bucketGuardFailures, (inputs: BucketIdentity) => inputs.bucketPrefix);

/**
 * Keeps a backup bucket from being replaced by a config change: the bucket
 * depends on it, and its check fails the preview when a setting that forces
 * replacement changes. (Pulumi's `protect` would do that too, but it also
 * stops `pulumi destroy`, which must leave the bucket in place instead.)
 */
export class BucketGuard extends pulumi.dynamic.Resource {
  constructor(name: string, identity: BucketIdentity, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, { ...identity }, opts, "backup", "BucketGuard");
  }
}
