import type { ConfigCheck } from "../../config/check";
import type { BackupSpec } from "../../config/backup-schema";
import type { InstanceSpec } from "../../config/instance-schema";
import { isPlainObject } from "../../config/merge";
import { joinPath, type ConfigProblem } from "../../config/problems";
import { mayRestoreFrom } from "../../config/restore-allowance";
import { sourceTenant } from "../../config/restore-source";
import type { PlatformSpec } from "../../config/stack-schema";

/** Each instance's backup settings can work: a volume to back up, a store to restore from, a restore source it may read. */
export const instanceBackup: ConfigCheck = {
  id: "instance-backup",
  refuses:
    "an instance's backup settings that cannot work: retention that could delete a snapshot still uploading, a restore with no store, no volume or a source outside this fleet's prefix or another tenant's without the platform's allowance, and `restoreFrom` in `defaults`",
  example: {
    base: "backup",
    config: { tenants: { acme: { instances: { bot: { backup: { restoreFrom: "acme/bot/latest" }, persistence: { enabled: false } } } } } },
    path: "tenants.acme.instances.bot.backup.restoreFrom",
    message: "there is no volume to restore into",
  },
  stack({ raw, stack, written }) {
    const problems = defaultsBackupProblems(raw.values.defaults);
    for (const instance of written) {
      const base = ["tenants", instance.tenant, "instances", instance.name];
      problems.push(
        ...instanceBackupProblems(instance.spec, { base, tenant: instance.tenant, platform: stack?.platform, fleetBackup: stack?.backup }),
      );
    }
    return problems;
  },
};

/** Where an instance is declared, for the checks that need more than its own settings. */
interface InstanceBackupContext {
  /** Config path of the instance, e.g. `["tenants", "acme", "instances", "bot"]`. */
  readonly base: readonly string[];
  readonly tenant: string;
  /** The stack's `platform` block (who may restore from whom); undefined when it did not validate. */
  readonly platform?: PlatformSpec;
  /** The stack's `backup` block; undefined when it did not validate (its problems are reported there). */
  readonly fleetBackup?: BackupSpec;
}

/**
 * Checks across fields and levels that the instance schema cannot make
 * alone: what a restore may read, and what the volume and the deadlines
 * allow. The loader calls it for every instance once its settings are merged.
 */
function instanceBackupProblems(spec: InstanceSpec, context: InstanceBackupContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (...path: (string | number)[]) => joinPath([...context.base, ...path]);
  const backup = spec.backup;
  const fleet = context.fleetBackup;
  const persistent = spec.persistence.enabled;
  const storeOn = fleet !== undefined && fleet.enabled && fleet.store !== undefined;

  if (backup.enabled && storeOn && persistent && spec.persistence.accessModes.includes("ReadWriteOncePod")) {
    problems.push({
      path: at("persistence", "accessModes"),
      message:
        "ReadWriteOncePod lets no backup pod mount the volume while the instance runs: use ReadWriteOnce, or set backup.enabled: false",
    });
  }
  if (backup.retention.incompleteGraceHours * 3600 <= backup.activeDeadlineSeconds) {
    problems.push({
      path: at("backup", "retention", "incompleteGraceHours"),
      message: `must be longer than backup.activeDeadlineSeconds (${backup.activeDeadlineSeconds} s), or retention could delete a snapshot that is still uploading`,
    });
  }

  const source = backup.restoreFrom;
  if (source === undefined || fleet === undefined) return problems;
  const restoreAt = (key?: string) =>
    key !== undefined && source.type === "snapshot" && source.form === "object" && key in source
      ? at("backup", "restoreFrom", key)
      : at("backup", "restoreFrom");
  if (!storeOn) {
    problems.push({
      path: restoreAt(),
      message: "a restore reads from the backup store, and this stack has none: configure backup.store (and backup.enabled: true)",
    });
  } else if (!backup.enabled) {
    problems.push({
      path: at("backup", "enabled"),
      message:
        "is false, but backup.restoreFrom is set: the restore runs with this instance's backup identity, so set backup.enabled: true (or remove restoreFrom)",
    });
  }
  if (!persistent) {
    problems.push({
      path: restoreAt(),
      message: "there is no volume to restore into: set persistence.enabled: true (or remove restoreFrom)",
    });
  }
  if (source.type === "snapshot" && source.prefix !== undefined && source.prefix !== fleet.prefix) {
    problems.push({
      path: restoreAt(),
      message: `is below "${source.prefix}", but this fleet's snapshots are below backup.prefix "${fleet.prefix}"; write the path without a prefix, or restore a foreign folder with { plain: <folder> }`,
    });
  }
  const owner = sourceTenant(source, context.tenant, fleet.prefix);
  if (owner !== undefined && !mayRestoreFrom(context.platform, context.tenant, owner)) {
    problems.push({
      path: restoreAt("tenant"),
      message: `reads tenant "${owner}"'s backups from tenant "${context.tenant}": refused to keep tenants isolated. Only the platform team can allow it, outside the tenant's own block: add "${owner}" to platform.tenants.${context.tenant}.restoreFromTenants`,
    });
  }
  return problems;
}

/** `defaults.backup.restoreFrom` would restore one source into every instance: never what anyone means. */
function defaultsBackupProblems(defaultsRaw: unknown): ConfigProblem[] {
  if (!isPlainObject(defaultsRaw) || !isPlainObject(defaultsRaw.backup) || defaultsRaw.backup.restoreFrom === undefined) return [];
  return [
    {
      path: "defaults.backup.restoreFrom",
      message:
        "set restoreFrom on the instance that should be restored (tenants.<tenant>.instances.<instance>.backup.restoreFrom), not for every instance",
    },
  ];
}
