import type { ConfigCheck } from "../../config/check";
import { defaultsBackupProblems, instanceBackupProblems } from "../../config/instance-backup-schema";

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
