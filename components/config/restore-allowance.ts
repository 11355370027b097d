import type { PlatformSpec } from "./stack-schema";

/**
 * Whether tenant `target`'s instances may read tenant `source`'s backups: always their own; another
 * tenant's only where the platform team lists it in `platform.tenants.<target>.restoreFromTenants`
 * (never by anything in the target's own block). The one rule the config check, the backup
 * identity's policy and the CLI's restore snippet all apply.
 */
export function mayRestoreFrom(platform: PlatformSpec | undefined, target: string, source: string): boolean {
  return source === target || (platform?.tenants[target]?.restoreFromTenants.includes(source) ?? false);
}
