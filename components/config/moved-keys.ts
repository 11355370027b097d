/**
 * Keys that are not allowed where they were written, with what to write instead: keys that no
 * longer exist where they used to be, and keys of an aws store written into an s3Compatible one.
 * The schema refuses them as unknown keys; these messages name the fix.
 */
interface MovedKey {
  /** The path of the object that used to hold the key; `*` matches any one segment (a tenant name). */
  readonly at: readonly string[];
  readonly key: string;
  /** The message, given the path segments `*` matched. */
  readonly message: (matched: readonly string[]) => string;
}

const MOVED_KEYS: readonly MovedKey[] = [
  {
    at: ["tenants", "*"],
    key: "allowCrossTenantRestore",
    message: ([tenant]) =>
      `moved to the platform team's block: a tenant's own block cannot let it read another tenant's backups. Remove it here; ` +
      `to let tenant "${tenant}" restore from tenant <source>'s backups, the platform team adds <source> to platform.tenants.${tenant}.restoreFromTenants ` +
      `(\`pulumi config set --path 'platform.tenants.${tenant}.restoreFromTenants[0]' <source>\`)`,
  },
  // Only unknown in an s3Compatible store: an aws store accepts both.
  {
    at: ["backup", "store"],
    key: "bucketPer",
    message: () =>
      "an s3Compatible store writes every backup to the one existing bucket named in backup.store.bucket, so it has no bucket per tenant or per instance: " +
      "remove bucketPer (each instance still writes only below <prefix><tenant>/<instance>/, and tenants.<tenant>.backup.credentials keeps a tenant's key to its own backups), " +
      "or use kind: aws, where this stack creates the buckets (bucketPer: tenant or instance)",
  },
  {
    at: ["backup", "store"],
    key: "kmsKeyPer",
    message: () =>
      "an s3Compatible store has no KMS keys: remove kmsKeyPer (use the instance's backup.encryption for client-side encryption), or use kind: aws",
  },
];

/** The message for `key` found (and not allowed) in the object at `path`, when it is a moved key. */
export function movedKeyMessage(path: readonly PropertyKey[], key: string): string | undefined {
  for (const moved of MOVED_KEYS) {
    if (moved.key !== key || moved.at.length !== path.length) continue;
    if (!moved.at.every((segment, i) => segment === "*" || segment === path[i])) continue;
    return moved.message(moved.at.flatMap((segment, i) => (segment === "*" ? [String(path[i])] : [])));
  }
  return undefined;
}
