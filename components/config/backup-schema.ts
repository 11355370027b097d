import { z } from "zod";
import type { TenantModel } from "./model";
import { httpURL } from "./instance/operations";
import { labelMap, secretRef } from "./primitives";
import { bucketNameProblem, endpointProblem } from "./s3-names";
import { joinPath, type ConfigProblem } from "./problems";
import type { StackSpec } from "./stack-schema";
import { restoreReadPrefix, sourceTenant } from "./restore-source";
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
  .prefault({})
  .superRefine((backup, ctx) => {
    if (backup.enabled && backup.store === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["store"],
        message:
          "backups are enabled but no store is configured: set backup.store.kind to aws or s3Compatible, or set backup.enabled: false",
      });
    }
    if (backup.store?.kind === "s3Compatible" && backup.identity.mode !== undefined && backup.identity.mode !== "staticKeys") {
      ctx.addIssue({
        code: "custom",
        path: ["identity", "mode"],
        message: `${backup.identity.mode} needs an AWS store; an S3-compatible store only takes static keys: set identity.mode: staticKeys or remove it`,
      });
    }
  });

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

/**
 * Cross-field checks of the backup config that need the whole stack: the
 * identity mode against the cluster settings and credentials, and what
 * every instance's restore source would be granted. Called by the
 * loader, which reports all problems at once.
 */
export function backupConfigProblems(stack: StackSpec, tenants: readonly TenantModel[]): ConfigProblem[] {
  const backup = stack.backup;
  const store = backup.store;
  if (!backup.enabled || store === undefined) return [];
  const problems: ConfigProblem[] = [];
  const problem = (path: readonly PropertyKey[], message: string) => problems.push({ path: joinPath(path), message });
  const mode = identityMode(backup);
  const eks = stack.cluster.eks;

  if (store.kind === "aws" && stack.aws === undefined) {
    problem(["aws", "region"], "is required for an aws backup store: set aws.region (e.g. eu-west-1)");
  }
  if (mode === "irsa") {
    if (eks === undefined) {
      problem(
        ["cluster", "eks"],
        "identity mode irsa needs the EKS cluster: set cluster.eks.clusterName (its OIDC issuer is then looked up), or also cluster.eks.oidcProviderArn and cluster.eks.oidcIssuer to skip the lookup",
      );
    } else if ((eks.oidcProviderArn === undefined) !== (eks.oidcIssuer === undefined)) {
      const missing = eks.oidcProviderArn === undefined ? "oidcProviderArn" : "oidcIssuer";
      problem(
        ["cluster", "eks", missing],
        "set both cluster.eks.oidcProviderArn and cluster.eks.oidcIssuer, or neither (to look both up by cluster name)",
      );
    }
  }
  if (mode === "podIdentity" && eks === undefined) {
    problem(
      ["cluster", "eks", "clusterName"],
      "identity mode podIdentity needs the EKS cluster name for the Pod Identity associations: set cluster.eks.clusterName",
    );
  }
  if (store.kind === "aws" && store.kmsKeyPer === "instance" && store.bucketPer !== "instance") {
    problem(
      ["backup", "store", "kmsKeyPer"],
      `a key per instance needs a bucket per instance (each bucket is encrypted by default with its instance's key), but backup.store.bucketPer is ${store.bucketPer}: set backup.store.bucketPer: instance, or kmsKeyPer: tenant or fleet`,
    );
  }
  if (mode !== "staticKeys" && store.credentials !== undefined) {
    problem(
      ["backup", "store", "credentials"],
      `static keys are not used with identity mode ${mode}; remove them (or set backup.identity.mode: staticKeys)`,
    );
  }

  const tenantNames = new Set(tenants.map((t) => t.name));
  for (const tenant of tenants) {
    const backedUp = tenant.instances.filter((i) => i.spec.backup.enabled);
    const tenantCredentials = tenant.spec.backup.credentials;
    if (mode !== "staticKeys" && tenantCredentials !== undefined) {
      problem(
        ["tenants", tenant.name, "backup", "credentials"],
        `static keys are not used with identity mode ${mode}; remove them (or set backup.identity.mode: staticKeys)`,
      );
    }
    if (mode === "staticKeys" && backedUp.length > 0 && tenantCredentials === undefined && store.credentials === undefined) {
      problem(
        ["tenants", tenant.name, "backup", "credentials"],
        "identity mode staticKeys needs store keys: set tenants.<tenant>.backup.credentials (a key per tenant) or backup.store.credentials (one key for all tenants, which isolates nothing), each { accessKeyId: { secretRef }, secretAccessKey: { secretRef } }",
      );
    }
    for (const instance of backedUp) {
      const source = instance.spec.backup.restoreFrom;
      if (source === undefined) continue;
      const path = ["tenants", tenant.name, "instances", instance.name, "backup", "restoreFrom"];
      const readPrefix = restoreReadPrefix(source, tenant.name, backup.prefix);
      // Cross-tenant permission is checked with the instance (instanceBackupProblems); here: what the grant would cover.
      if (backup.prefix.startsWith(readPrefix)) {
        problem(
          path,
          `"${readPrefix}" contains every tenant's backups (backup.prefix is "${backup.prefix}"); name one instance's folder, e.g. ${backup.prefix}<tenant>/<instance>`,
        );
      }
      const owner = sourceTenant(source, tenant.name, backup.prefix);
      if (store.kind !== "aws") continue;
      if (store.bucketPer === "instance") {
        // A snapshot of another instance is in that instance's bucket: it must be one this stack knows (a plain folder is read from the instance's own bucket).
        if (source.type !== "snapshot" || owner === undefined || (owner === tenant.name && source.instance === instance.name)) continue;
        const sourceInstance = tenants.find((t) => t.name === owner)?.instances.find((i) => i.name === source.instance);
        if (sourceInstance === undefined || !sourceInstance.spec.backup.enabled) {
          const why =
            sourceInstance === undefined
              ? "that instance is not in this stack"
              : `that instance's backups are off (tenants.${owner}.instances.${source.instance}.backup.enabled: false), so it has no bucket`;
          problem(
            path,
            `reads "${owner}/${source.instance}"'s snapshots, which are in that instance's own bucket (backup.store.bucketPer: instance), but ${why}: this instance's backup role can only be granted read access to the bucket of an instance of this stack whose backups are on. Restore from such an instance, or use bucketPer: tenant or fleet`,
          );
        }
        continue;
      }
      if (owner === undefined || owner === tenant.name) continue;
      if (store.bucketPer === "tenant") {
        problem(
          path,
          `reads tenant "${owner}"'s backups, which are in another bucket (backup.store.bucketPer: tenant), and a restore reads only its own tenant's bucket: use bucketPer: fleet for clones across tenants, or copy the snapshot into this tenant's bucket first`,
        );
      } else if (store.kmsKeyPer === "tenant" && !tenantNames.has(owner)) {
        problem(
          path,
          `tenant "${owner}" is not in this stack, so the KMS key of its backups (one per tenant here) is unknown: restore from a tenant of this stack`,
        );
      }
    }
  }
  return problems;
}
