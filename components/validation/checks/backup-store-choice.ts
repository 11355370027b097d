import type { ConfigCheck } from "../../config/check";
import type { InstanceProblem } from "../../config/check";

/** Backups on need a store, and an S3-compatible store authenticates with static keys only. */
export const backupStoreChoice: ConfigCheck = {
  id: "backup-store-choice",
  refuses:
    "backups enabled with no `backup.store`, and a cloud identity mode (irsa, podIdentity) with an S3-compatible store, which only takes static keys",
  example: {
    base: "backup",
    config: { backup: { identity: { mode: "podIdentity" } } },
    path: "backup.identity.mode",
    message: "podIdentity needs an AWS store; an S3-compatible store only takes static keys",
  },
  backupSettings(backup) {
    const problems: InstanceProblem[] = [];
    if (backup.enabled && backup.store === undefined) {
      problems.push({
        path: ["store"],
        message:
          "backups are enabled but no store is configured: set backup.store.kind to aws or s3Compatible, or set backup.enabled: false",
      });
    }
    if (backup.store?.kind === "s3Compatible" && backup.identity.mode !== undefined && backup.identity.mode !== "staticKeys") {
      problems.push({
        path: ["identity", "mode"],
        message: `${backup.identity.mode} needs an AWS store; an S3-compatible store only takes static keys: set identity.mode: staticKeys or remove it`,
      });
    }
    return problems;
  },
};
