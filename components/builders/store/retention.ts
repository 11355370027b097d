import type { AwsStoreSpec } from "../../config/backup-schema";
import { POOL_REFRESH_DAYS } from "../backup/engine";
import type { FleetModel } from "../../config/model";

/** Used when no instance configures an age limit: a year, so that a stopped instance keeps its last backup that long. */
export const DEFAULT_LONGEST_RETENTION_DAYS = 365;

/**
 * The longest age limit any instance's retention sets (`maxAgeDays`, at any
 * depth of `backup.retention`, e.g. per kind), or undefined when none does.
 * Read structurally so that it follows the retention settings of the backup
 * engine without depending on their exact shape.
 */
export function longestRetentionDays(fleet: Pick<FleetModel, "tenants">): number | undefined {
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

/**
 * Days after which the lifecycle safety net expires every backup object. Snapshots share the
 * objects of their instance's pool, and a snapshot references no object older than
 * POOL_REFRESH_DAYS when it is taken; so an expiry later than the longest retention plus that
 * never deletes what a live snapshot needs. A shorter one is refused.
 */
export function safetyNetExpiryDays(fleet: Pick<FleetModel, "tenants">, lifecycle: AwsStoreSpec["lifecycle"]): number {
  const longest = longestRetentionDays(fleet) ?? DEFAULT_LONGEST_RETENTION_DAYS;
  const minimum = longest + POOL_REFRESH_DAYS + 1;
  const explicit = lifecycle.expireBackupsAfterDays;
  const days = explicit ?? longest + lifecycle.marginDays;
  if (days < minimum) {
    const path = explicit !== undefined ? "backup.store.lifecycle.expireBackupsAfterDays" : "backup.store.lifecycle.marginDays";
    const fix = explicit !== undefined ? `set it to at least ${minimum}` : `set it to at least ${minimum - longest}`;
    throw new Error(
      `${path}: the safety net would expire backups after ${days} days, but the longest retention is ${longest} days and a snapshot may reference pool objects up to ${POOL_REFRESH_DAYS} days older than itself; objects live snapshots need would be deleted. ${fix}.`,
    );
  }
  return days;
}
