import { z } from "zod";
import { secretRef } from "./primitives";

/** rclone's S3 provider names for the S3-compatible stores we support. */
export const S3_COMPATIBLE_PROVIDERS = ["Cloudflare", "Minio", "Wasabi", "Ceph", "GCS", "Other", "AWS"] as const;

const awsStore = z
  .object({
    kind: z.literal("aws"),
  })
  .strict();

const s3CompatibleStore = z
  .object({
    kind: z.literal("s3Compatible"),
    endpoint: z.url({ error: (issue) => `${JSON.stringify(issue.input)} is not a URL (e.g. https://<account>.r2.cloudflarestorage.com)` }),
    bucket: z.string().min(3),
    region: z.string().min(1).default("auto"),
    provider: z.enum(S3_COMPATIBLE_PROVIDERS).default("Other"),
    credentials: z
      .object({ accessKeyId: secretRef, secretAccessKey: secretRef })
      .strict(),
  })
  .strict();

export const backupSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Object-key prefix; the layout below it is always `<tenant>/<instance>/`. */
    prefix: z
      .string()
      .regex(/^([a-z0-9][a-z0-9._-]*\/)+$/, { message: "must be one or more path segments ending in '/', e.g. backups/" })
      .default("backups/"),
    store: z.discriminatedUnion("kind", [awsStore, s3CompatibleStore]).optional(),
  })
  .strict()
  .prefault({})
  .superRefine((backup, ctx) => {
    if (backup.enabled && backup.store === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["store"],
        message: "backups are enabled but no store is configured: set backup.store.kind to aws or s3Compatible, or set backup.enabled: false",
      });
    }
  });

export type BackupSpec = z.output<typeof backupSchema>;
