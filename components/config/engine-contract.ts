// What the stack config may name of the backup engine (components/builders/backup/engine): its
// snapshot kinds and default excludes. The scripts themselves are a builder concern.

/** Snapshot kinds; each has its own retention. */
export const SNAPSHOT_KINDS = ["periodic", "pre-delete", "pre-update", "manual"] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/**
 * Default exclude patterns (rclone filter syntax, relative to each source). Mirrors lib.sh. What
 * OpenClaw writes and rebuilds itself, as listed from a real run of the pinned release by
 * test/openclaw-runtime/state-backup.test.ts; docs/backups.md gives the reason for each.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  "/cache/**",
  "/logs/**",
  "/tmp/**",
  "/npm/**",
  "/plugin-skills/**",
  ".cache/**",
  "node_modules/**",
  "*.sqlite.generation-lock.sqlite",
  "*.sqlite.generation-writer.sqlite",
  "*.sqlite.reindex-lock.sqlite",
  "*.sock",
  "*.pid",
  "*-wal",
  "*-shm",
  "/lost+found/**",
];
