// The backup engine as the Kubernetes builders see it: where the scripts are, their contents for a
// ConfigMap, the entrypoint, and the one list of environment variable names the scripts read.
// The contract itself (semantics, exit codes, layout) is documented in docs/backups.md.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export { DEFAULT_EXCLUDES, SNAPSHOT_KINDS, type SnapshotKind } from "../../../config/engine-contract";

/** Absolute path of the folder holding the engine scripts. */
export const ENGINE_DIR: string = __dirname;

/** Script the pods run: `sh <mount>/openclaw-backup.sh <command>`. */
export const ENGINE_ENTRYPOINT = "openclaw-backup.sh";

/** Node script an init container (app image, Node 22+) runs to snapshot SQLite into OCB_SQLITE_STAGING. */
export const SQLITE_SNAPSHOT_SCRIPT = "sqlite-snapshot.mjs";

/** Subcommands of the entrypoint. */
export const ENGINE_COMMANDS = ["backup", "restore", "prune", "list", "verify"] as const;
export type EngineCommand = (typeof ENGINE_COMMANDS)[number];

/** Exit codes of the entrypoint (alerts and Job status messages key on them). */
export const ENGINE_EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  store: 3,
  notFound: 4,
  verification: 5,
  targetNotSafe: 6,
} as const;

/**
 * A snapshot references no pool object written more than this many days before it (pool.sh's
 * default for OCB_POOL_REFRESH_DAYS): the lifecycle safety net must expire objects later than the
 * longest retention plus this, or it could delete what a live snapshot needs.
 */
export const POOL_REFRESH_DAYS = 30;

/** Environment variable names the engine reads. rclone reads the RCLONE_CONFIG_STORE_* ones itself. */
export const ENGINE_ENV = {
  // Store (rclone's own env config for the remote named "store").
  storeType: "RCLONE_CONFIG_STORE_TYPE",
  storeProvider: "RCLONE_CONFIG_STORE_PROVIDER",
  storeEndpoint: "RCLONE_CONFIG_STORE_ENDPOINT",
  storeRegion: "RCLONE_CONFIG_STORE_REGION",
  storeEnvAuth: "RCLONE_CONFIG_STORE_ENV_AUTH",
  storeAccessKeyId: "RCLONE_CONFIG_STORE_ACCESS_KEY_ID",
  storeSecretAccessKey: "RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY",
  storeServerSideEncryption: "RCLONE_CONFIG_STORE_SERVER_SIDE_ENCRYPTION",
  storeSseKmsKeyId: "RCLONE_CONFIG_STORE_SSE_KMS_KEY_ID",
  storeForcePathStyle: "RCLONE_CONFIG_STORE_FORCE_PATH_STYLE",
  // What and where.
  bucket: "OCB_BUCKET",
  prefix: "OCB_PREFIX",
  tenant: "OCB_TENANT",
  instance: "OCB_INSTANCE",
  kind: "OCB_KIND",
  sources: "OCB_SOURCES",
  /**
   * "name=folder ...": the source's state is the folder <dir>/<folder> of the volume mounted at
   * its OCB_SOURCES dir, or <dir> itself on a volume without that folder (the legacy layout).
   */
  sourceSubdirs: "OCB_SOURCE_SUBDIRS",
  excludes: "OCB_EXCLUDES",
  // Retention.
  retentionKeepLast: "OCB_RETENTION_KEEP_LAST",
  retentionMaxAgeDays: "OCB_RETENTION_MAX_AGE_DAYS",
  incompleteGraceHours: "OCB_INCOMPLETE_GRACE_HOURS",
  pruneAfterBackup: "OCB_PRUNE_AFTER_BACKUP",
  /** A snapshot references no pool object older than this many days (the lifecycle expiry must exceed retention + this). */
  poolRefreshDays: "OCB_POOL_REFRESH_DAYS",
  /** Pool garbage collection in prune: "auto" (after removing a snapshot), "always" or "never". */
  poolGc: "OCB_POOL_GC",
  // Client-side encryption (values come from a Secret).
  cryptPassword: "OCB_CRYPT_PASSWORD",
  cryptPassword2: "OCB_CRYPT_PASSWORD2",
  // Restore.
  restoreFrom: "OCB_RESTORE_FROM",
  restorePlainSource: "OCB_RESTORE_PLAIN_SOURCE",
  restoreUid: "OCB_RESTORE_UID",
  restoreGid: "OCB_RESTORE_GID",
  // Runtime.
  workDir: "OCB_WORK_DIR",
  sqliteStaging: "OCB_SQLITE_STAGING",
  /** "true": a periodic backup reads every file instead of trusting unchanged metadata. */
  hashAll: "OCB_HASH_ALL",
  /** "true": upload everything, reference nothing earlier snapshots stored (after a damaged object). */
  fullUpload: "OCB_FULL_UPLOAD",
  /** Files smaller than this many bytes travel in tar packs ("0": one object per file). */
  packBelowBytes: "OCB_PACK_BELOW_BYTES",
  /** A new pack is closed once its members reach this many bytes. */
  packTargetBytes: "OCB_PACK_TARGET_BYTES",
  now: "OCB_NOW",
  rcloneExtraFlags: "OCB_RCLONE_EXTRA_FLAGS",
  rcloneRetries: "OCB_RCLONE_RETRIES",
  rcloneLowLevelRetries: "OCB_RCLONE_LOW_LEVEL_RETRIES",
  rcloneConnectTimeout: "OCB_RCLONE_CONNECT_TIMEOUT",
  rcloneIoTimeout: "OCB_RCLONE_IO_TIMEOUT",
  /** A backup's first contact with the store: few, short tries, so a store that is gone fails fast. */
  storeProbeRetries: "OCB_STORE_PROBE_RETRIES",
  storeProbeLowLevelRetries: "OCB_STORE_PROBE_LOW_LEVEL_RETRIES",
  storeProbeConnectTimeout: "OCB_STORE_PROBE_CONNECT_TIMEOUT",
  storeProbeIoTimeout: "OCB_STORE_PROBE_IO_TIMEOUT",
} as const;

export type EngineEnvKey = keyof typeof ENGINE_ENV;
export type EngineEnvName = (typeof ENGINE_ENV)[EngineEnvKey];

/** Env values by variable name, e.g. `{ OCB_BUCKET: "b" }`; every value is a string, as in a pod. */
export type EngineEnv = { readonly [K in EngineEnvName]?: string };

/** Variables whose values are secrets: source them from a Secret (valueFrom), never inline. */
export const ENGINE_SECRET_ENV: readonly EngineEnvName[] = [
  ENGINE_ENV.storeAccessKeyId,
  ENGINE_ENV.storeSecretAccessKey,
  ENGINE_ENV.cryptPassword,
  ENGINE_ENV.cryptPassword2,
];


/** `OCB_SOURCES` value from named directories: `{ state: "/data/state" }` -> `state=/data/state`. */
export function formatSources(sources: Readonly<Record<string, string>>): string {
  return Object.entries(sources)
    .map(([name, dir]) => {
      if (!/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/.test(name)) throw new Error(`invalid source name '${name}'`);
      if (!dir.startsWith("/") || /\s/.test(dir)) throw new Error(`source '${name}': '${dir}' must be an absolute path without spaces`);
      return `${name}=${dir}`;
    })
    .join(" ");
}

/** File name -> contents of every engine file a pod needs, sorted by name (ConfigMap data). */
export function engineScripts(): Record<string, string> {
  const names = readdirSync(ENGINE_DIR)
    .filter((name) => name.endsWith(".sh") || name.endsWith(".mjs"))
    .sort();
  const out: Record<string, string> = {};
  for (const name of names) out[name] = readFileSync(join(ENGINE_DIR, name), "utf8");
  return out;
}
