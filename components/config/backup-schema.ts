import { z } from "zod";
import { httpURL } from "./instance/operations";
import { labelMap, secretRef } from "./primitives";
import { bucketNameProblem, endpointProblem } from "./s3-names";
import { durationProblem } from "./duration";

/** Bounds of `backup.deleteTimeout`. */
export const DELETE_TIMEOUT_MIN_MS = 5 * 60_000;
export const DELETE_TIMEOUT_MAX_MS = 24 * 3_600_000;

const backupMonitoring = z
  .object({
    enabled: z.boolean().default(false),
    /** Namespace of the PrometheusRule: one the Prometheus Operator reads rules from. */
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "is not a namespace name" })
      .default("monitoring"),
    /** Labels the Prometheus Operator's ruleSelector matches (e.g. release: kube-prometheus-stack). */
    labels: labelMap.default({}),
    /** Base URL of this repository's docs/ folder; each alert links to its section of alerts.md there. */
    docsBaseURL: httpURL.default("https://github.com/openclaw/openclaw-fleet/blob/main/docs"),
  })
  .strict()
  .prefault({});

/** rclone's S3 provider names for the S3-compatible stores we support. */
export const S3_COMPATIBLE_PROVIDERS = ["Cloudflare", "Minio", "Wasabi", "Ceph", "GCS", "Other", "AWS"] as const;

/** How backup pods authenticate to the store. */
export const IDENTITY_MODES = ["irsa", "podIdentity", "staticKeys"] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

/** A static access key pair, both halves from Pulumi secret config. */
export const staticCredentials = z.object({ accessKeyId: secretRef, secretAccessKey: secretRef }).strict();
export type StaticCredentials = z.output<typeof staticCredentials>;

const days = (min: number) => z.number().int().min(min).max(36500);

const lifecycle = z
  .object({
    /** Parts of failed multipart uploads cost money and are never read: abort them after this many days. */
    abortIncompleteMultipartUploadDays: days(1).default(7),
    /** Versions that were overwritten or deleted (by retention) stay recoverable this long. */
    noncurrentVersionExpirationDays: days(1).default(30),
    /**
     * Safety net: every object under the prefix expires after this many days,
     * including those of instances that no longer exist. Default: the longest
     * retention any instance configures, plus `marginDays`. Must exceed the
     * longest retention by more than 30 days (snapshots share pool objects up
     * to 30 days older than themselves); a shorter expiry is refused.
     */
    expireBackupsAfterDays: days(1).optional(),
    /** Added to the longest retention for the default expiry; more than 30 (the pool's refresh age). */
    marginDays: days(0).default(60),
  })
  .strict()
  .prefault({});

const objectLock = z
  .object({
    /** GOVERNANCE can be bypassed with s3:BypassGovernanceRetention; COMPLIANCE cannot, not even by root. */
    mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
    days: days(1),
  })
  .strict();

/** What one bucket (`bucketPer`) or one KMS key (`kmsKeyPer`) of an aws store serves. */
export const BUCKET_SCOPES = ["fleet", "tenant", "instance"] as const;
export type BucketScope = (typeof BUCKET_SCOPES)[number];

const awsStore = z
  .object({
    kind: z.literal("aws"),
    /** One bucket for the whole fleet, one per tenant, or one per backed-up instance. */
    bucketPer: z.enum(BUCKET_SCOPES).default("fleet"),
    /**
     * One customer-managed KMS key for the whole fleet, one per tenant, or one per instance
     * (crypto-shredding a tenant or instance = deleting its key). `instance` needs `bucketPer: instance`.
     */
    kmsKeyPer: z.enum(BUCKET_SCOPES).default("fleet"),
    /** Days a scheduled KMS key deletion waits (7..30) before the key and every backup it encrypts are gone. */
    kmsDeletionWindowDays: z.number().int().min(7).max(30).default(30),
    lifecycle,
    /** Object Lock (WORM) for ransomware protection; can only be turned on when the bucket is created. */
    objectLock: objectLock.optional(),
    /**
     * Keep the bucket (with its settings) and its KMS keys when the stack is destroyed or the store
     * removed from config, so the backups stay readable. To delete them: set false, `pulumi up`,
     * then `pulumi destroy` (with forceDestroy for a bucket that still holds backups).
     */
    keepOnDestroy: z.boolean().default(true),
    /** Let `pulumi destroy` delete a bucket that still holds backups (with keepOnDestroy: false). Leave false unless the stack is disposable. */
    forceDestroy: z.boolean().default(false),
    /** Tags on the bucket, key and roles, on top of `aws.tags`. */
    tags: z.record(z.string(), z.string()).default({}),
    /** Static keys for `identity.mode: staticKeys` (prefer irsa or podIdentity on AWS). */
    credentials: staticCredentials.optional(),
  })
  .strict();

const s3CompatibleStore = z
  .object({
    kind: z.literal("s3Compatible"),
    endpoint: z.string().superRefine((value, ctx) => {
      const problem = endpointProblem(value);
      if (problem !== undefined)
        ctx.addIssue({
          code: "custom",
          input: value,
          message: `${JSON.stringify(value)} ${problem} (e.g. https://0123456789abcdef.r2.cloudflarestorage.com for R2, https://s3.us-west-004.backblazeb2.com for B2)`,
        });
    }),
    bucket: z.string().superRefine((value, ctx) => {
      const problem = bucketNameProblem(value);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", input: value, message: `${JSON.stringify(value)} is not a valid S3 bucket name: it ${problem}` });
    }),
    region: z.string().min(1).default("auto"),
    provider: z.enum(S3_COMPATIBLE_PROVIDERS).default("Other"),
    /** Fleet-wide keys; a tenant with `tenants.<t>.backup.credentials` uses its own instead. */
    credentials: staticCredentials.optional(),
  })
  .strict();

const identity = z
  .object({
    /** Default: irsa for an aws store, staticKeys for an S3-compatible one. */
    mode: z.enum(IDENTITY_MODES).optional(),
  })
  .strict()
  .prefault({});

export const backupSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Object-key prefix; the layout below it is always `<tenant>/<instance>/`. */
    prefix: z
      .string()
      .regex(/^([a-z0-9][a-z0-9._-]*\/)+$/, { message: "must be one or more path segments ending in '/', e.g. backups/" })
      .default("backups/"),
    store: z.discriminatedUnion("kind", [awsStore, s3CompatibleStore]).optional(),
    identity,
    /** How long `pulumi up` waits for an instance's pre-delete backup (5m..24h) before applying its `onBackupFailure`. */
    deleteTimeout: z
      .string()
      .default("30m")
      .superRefine((value, ctx) => {
        const problem = durationProblem(value, DELETE_TIMEOUT_MIN_MS, DELETE_TIMEOUT_MAX_MS);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
      }),
    /** Fleet-level backup alerts (a PrometheusRule; needs the Prometheus Operator and kube-state-metrics, see docs/alerts.md). */
    monitoring: backupMonitoring,
  })
  .strict()
  .prefault({});

export type BackupSpec = z.output<typeof backupSchema>;
export type AwsStoreSpec = z.output<typeof awsStore>;
export type S3CompatibleStoreSpec = z.output<typeof s3CompatibleStore>;

/** Per-tenant backup settings (under `tenants.<tenant>.backup`). */
export const tenantBackupSchema = z
  .object({
    /** This tenant's own static keys, so that one tenant's key cannot reach another's backups (staticKeys mode). */
    credentials: staticCredentials.optional(),
  })
  .strict()
  .prefault({});

export type TenantBackupSpec = z.output<typeof tenantBackupSchema>;

/** The identity mode in effect: the configured one, else the natural one for the store. */
export function identityMode(backup: BackupSpec): IdentityMode {
  return backup.identity.mode ?? (backup.store?.kind === "aws" ? "irsa" : "staticKeys");
}
