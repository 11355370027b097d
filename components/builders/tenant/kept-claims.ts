import type { TenantModel } from "../../config/model";
import { featureNames } from "../../config/feature-names";

/**
 * The claims of a tenant that must outlive it: volumes kept on removal
 * (`orphan`, the default) and existing claims the program never deletes.
 * Deleting a Namespace deletes every claim in it, so a tenant with any such
 * claim keeps its Namespace when it is removed (see docs/runbooks/).
 */
export function keptClaims(tenant: TenantModel): string[] {
  return tenant.instances.flatMap((instance) =>
    (
      [
        [instance.spec.persistence, instance.names.dataClaim],
        [instance.spec.workspaceVolume, featureNames(instance).workspaceClaim],
      ] as const
    )
      .filter(([volume]) => volume.enabled && (volume.orphan || volume.existingClaim !== undefined))
      .map(([volume, name]) => volume.existingClaim ?? name),
  );
}
