import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** An existing PVC keeps its own StorageClass, so a class next to it would silently do nothing. */
export const existingClaims: ConfigCheck = {
  id: "existing-claims",
  refuses: "a `storageClass` next to an `existingClaim` (of `persistence` or `workspaceVolume`), which would have no effect",
  example: {
    config: { tenants: { acme: { instances: { bot: { persistence: { existingClaim: "bot-data", storageClass: "gp3" } } } } } },
    path: "tenants.acme.instances.bot.persistence.storageClass",
    message: "has no effect with existingClaim",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    for (const key of ["persistence", "workspaceVolume"] as const) {
      const volume = spec[key];
      if (volume.existingClaim !== undefined && volume.storageClass !== undefined) {
        problems.push({
          path: [key, "storageClass"],
          message: "has no effect with existingClaim (the existing PVC keeps its own class): remove one of them",
        });
      }
    }
    return problems;
  },
};
