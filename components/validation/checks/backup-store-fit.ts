import { backupConfigProblems } from "../../config/backup-schema";
import type { ConfigCheck } from "../../config/check";

/** The store, the identity mode and the cluster fit together, and every backed-up tenant can reach its store. */
export const backupStoreFit: ConfigCheck = {
  id: "backup-store-fit",
  refuses:
    "a backup store, identity mode and cluster that do not fit together (an AWS store without `aws.region`, IRSA or Pod Identity without the EKS cluster, static keys beside a cloud identity or missing for a backed-up tenant, a key per instance without a bucket per instance), and restores that read a bucket the restoring instance cannot be granted",
  example: {
    base: "backup",
    config: { tenants: { acme: { instances: { bot: { backup: { restoreFrom: { plain: "backups/" } } } } } } },
    path: "tenants.acme.instances.bot.backup.restoreFrom",
    message: "contains every tenant's backups",
  },
  stack({ stack, tenants }) {
    return stack === undefined ? [] : backupConfigProblems(stack, tenants);
  },
};
