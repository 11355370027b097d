import { PART_OF, TENANT_LABEL } from "../../config/labels";

export type BackupComponent = "backup" | "restore";

/**
 * Labels that select an instance's backup and restore pods. Deliberately not
 * the instance's own selector labels: those pick the gateway's pods for its
 * Service, NetworkPolicy and StatefulSet, and a backup pod must be in none
 * of them.
 */
export function backupPodSelector(tenant: string, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "openclaw-backup",
    "app.kubernetes.io/instance": instance,
    [TENANT_LABEL]: tenant,
  };
}

export function backupPodLabels(tenant: string, instance: string, component: BackupComponent): Record<string, string> {
  return {
    ...backupPodSelector(tenant, instance),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}
