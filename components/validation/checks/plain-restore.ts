import { plainRestoreProblems } from "../../config/isolation/plain-restore";
import type { ConfigCheck } from "../../config/check";

/** A plain restore reads one instance's folder, never several (components/config/isolation/plain-restore.ts). */
export const plainRestore: ConfigCheck = {
  id: "plain-restore",
  refuses:
    "a plain restore (`backup.restoreFrom: { plain: <folder> }`) from a folder wider than one instance's, which the restore identity could read whole",
  example: {
    base: "backup",
    config: { tenants: { acme: { instances: { bot: { backup: { restoreFrom: { plain: "migration" } } } } } } },
    path: "tenants.acme.instances.bot.backup.restoreFrom.plain",
    message: `"migration" may hold several instances' folders`,
  },
  stack: ({ stack, tenants }) => tenants.flatMap((tenant) => plainRestoreProblems(tenant, stack?.backup.prefix ?? "backups/")),
};
