import { z } from "zod";
import { DEFAULT_EXCLUDES } from "./engine-contract";
import { BACKUP_IMAGE } from "./backup-image";
import { parseRestoreSource, type RestoreSource } from "./restore-source";
import { isTimeZone, scheduleProblem } from "./schedule-syntax";
import { imageDigest, imageRepository, resourceRequirements, secretRef } from "./primitives";

const count = (min: number, max: number) => z.number().int().min(min).max(max);

const schedule = z.string().superRefine((value, ctx) => {
  const problem = scheduleProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
});

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, Etc/UTC)`,
});

/** rclone filter patterns, one per line in the pod's environment, so no line breaks. */
const excludePattern = z
  .string()
  .min(1)
  .refine((v) => !/[\r\n]/.test(v) && v.trim() === v, {
    message: "must be one rclone filter pattern on one line, without surrounding spaces (e.g. /logs/** or *.tmp)",
  });

const retention = z
  .object({
    /** Complete snapshots kept per kind, newest first (0 = no count limit). The newest is never deleted. */
    keepLast: count(0, 10000).default(7),
    /** Complete snapshots older than this are deleted (0 = no age limit), except the newest of each kind. */
    maxAgeDays: count(0, 36500).default(30),
    /** Incomplete snapshots (no manifest) younger than this may still be uploading and are left alone. */
    incompleteGraceHours: count(1, 8760).default(6),
  })
  .strict()
  .prefault({});

const encryption = z
  .object({
    /** Passphrase of rclone crypt, from `secrets`. Lose it and the backups are unreadable: keep a copy outside the cluster. */
    passphrase: secretRef,
    /** Optional second passphrase (rclone's salt); both are needed to restore. */
    salt: secretRef.optional(),
  })
  .strict();

const image = z
  .object({
    repository: imageRepository.default(BACKUP_IMAGE.repository),
    /** Pinned by digest only: the image that holds the store credentials must never move under a tag. */
    digest: imageDigest.default(BACKUP_IMAGE.digest),
    pullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent"),
  })
  .strict()
  .prefault({});

/** Parsed into one normalized shape; every problem is reported under `restoreFrom` with its own path. */
const restoreFrom = z.unknown().transform((value, ctx): RestoreSource => {
  const parsed = parseRestoreSource(value);
  if (!Array.isArray(parsed)) return parsed;
  for (const problem of parsed) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message, input: value });
  return z.NEVER;
});

/**
 * Per-instance backup settings. Set them once for the fleet under
 * `defaults.backup`, and override per instance.
 */
export const instanceBackupSchema = z
  .object({
    /** Scheduled backups; false also turns off the backup objects of this instance. */
    enabled: z.boolean().default(true),
    /** 5-field cron, a descriptor (@daily) or a period (15m, 6h, 1d, 7d) spread over the period per instance. */
    schedule: schedule.default("1d"),
    /** IANA zone the cron fields are read in; default: the controller's (UTC on managed clusters). */
    timeZone: timeZone.optional(),
    retention,
    /** rclone filter patterns left out of every snapshot; replaces the default list (rebuildable bulk). */
    excludes: z.array(excludePattern).default([...DEFAULT_EXCLUDES]),
    /** Client-side encryption (rclone crypt) on top of the store's own. */
    encryption: encryption.optional(),
    image,
    resources: resourceRequirements({
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    }),
    /** A backup or restore pod running longer than this is stopped and counts as failed. */
    activeDeadlineSeconds: count(60, 7 * 24 * 3600).default(3600),
    /** A run that could not start within this long after its time is skipped (and counted as missed). */
    startingDeadlineSeconds: count(10, 24 * 3600).default(600),
    /** Retries of a failed run (store errors only; configuration and verification errors fail at once). */
    backoffLimit: count(0, 10).default(2),
    successfulJobsHistoryLimit: count(0, 100).default(3),
    failedJobsHistoryLimit: count(0, 100).default(3),
    /** Restore this before the instance starts: a snapshot path, { instance, tenant?, kind?, snapshot? } or { plain: <folder> }. */
    restoreFrom: restoreFrom.optional(),
    /** No cold backup before this instance is deleted (removed from config, or `pulumi destroy --run-program`). */
    skipBackupOnDelete: z.boolean().default(false),
    /** When the pre-delete backup fails or times out: `abort` the deletion (the instance stays, stopped) or `proceed` without a backup. */
    onBackupFailure: z.enum(["abort", "proceed"]).default("abort"),
  })
  .strict()
  .prefault({});

export type InstanceBackupSpec = z.output<typeof instanceBackupSchema>;
