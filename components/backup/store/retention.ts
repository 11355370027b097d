import type { AwsStoreSpec } from "../../config/backup-schema";
import type { FleetModel } from "../../config/model";

/** Used when no instance configures an age limit: a year, so that a stopped instance keeps its last backup that long. */
export const DEFAULT_LONGEST_RETENTION_DAYS = 365;

/**
 * The longest age limit any instance's retention sets (`maxAgeDays`, at any
 * depth of `backup.retention`, e.g. per kind), or undefined when none does.
 * Read structurally so that it follows the retention settings of the backup
 * engine without depending on their exact shape.
 */
export function longestRetentionDays(fleet: FleetModel): number | undefined {
  let longest: number | undefined;
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "maxAgeDays" && typeof inner === "number" && Number.isFinite(inner)) longest = Math.max(longest ?? 0, inner);
      else visit(inner);
    }
  };
  for (const tenant of fleet.tenants) {
    for (const instance of tenant.instances) {
      const backup: object = instance.spec.backup;
      if ("retention" in backup) visit(backup.retention);
    }
  }
  return longest;
}

/** Days after which the lifecycle safety net expires every backup object. */
export function safetyNetExpiryDays(fleet: FleetModel, lifecycle: AwsStoreSpec["lifecycle"]): number {
  if (lifecycle.expireBackupsAfterDays !== undefined) return lifecycle.expireBackupsAfterDays;
  return (longestRetentionDays(fleet) ?? DEFAULT_LONGEST_RETENTION_DAYS) + lifecycle.marginDays;
}
