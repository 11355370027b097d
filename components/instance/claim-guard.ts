import * as pulumi from "@pulumi/pulumi";
import { settingsGuardProvider, type GuardFailure } from "../guards/settings-guard";

/** What a PersistentVolumeClaim cannot change once it exists. */
export interface ClaimIdentity {
  /** Full config path of the volume's options, for the error message. */
  readonly configPath: string;
  readonly claimName: string;
  /** "" stands for the cluster's default class. */
  readonly storageClass: string;
  readonly accessModes: readonly string[];
}

/**
 * Compares a claim's immutable settings with those it was created with.
 * Kubernetes rejects changing them, so Pulumi would plan to delete and
 * re-create the PVC (its name is fixed): an empty volume, or the old data
 * deleted when `orphan` is false. Failing here stops the preview before any
 * step runs, with a message that says what to do.
 *
 * Self-contained on purpose: Pulumi serializes it into the dynamic provider.
 */
export function claimGuardFailures(olds: Partial<ClaimIdentity> | undefined, news: ClaimIdentity): GuardFailure[] {
  const failures: { property: string; reason: string }[] = [];
  if (olds === undefined || olds.claimName === undefined) return failures;
  const fix =
    "Kubernetes cannot change it on an existing claim, and re-creating the claim would lose the data. Revert the change; to move the data, " +
    "back the instance up and restore it into a new instance (or a new claim via existingClaim).";
  if ((olds.storageClass ?? "") !== news.storageClass) {
    const was = olds.storageClass ? `"${olds.storageClass}"` : "the cluster default";
    const now = news.storageClass ? `"${news.storageClass}"` : "the cluster default";
    failures.push({
      property: "storageClass",
      reason: `${news.configPath}.storageClass: PVC ${news.claimName} was created with storage class ${was}, not ${now}. ${fix}`,
    });
  }
  const oldModes = [...(olds.accessModes ?? [])].sort().join(",");
  const newModes = [...news.accessModes].sort().join(",");
  if (oldModes !== newModes) {
    failures.push({
      property: "accessModes",
      reason: `${news.configPath}.accessModes: PVC ${news.claimName} was created with ${oldModes}, not ${newModes}. ${fix}`,
    });
  }
  return failures;
}

const guardProvider = settingsGuardProvider(claimGuardFailures, (inputs: ClaimIdentity) => inputs.claimName);

/**
 * Remembers a PVC's immutable settings in state and fails the preview when
 * the config changes them. The PVC depends on it, so it is never replaced.
 */
export class ClaimGuard extends pulumi.dynamic.Resource {
  constructor(name: string, identity: ClaimIdentity, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, { ...identity, accessModes: [...identity.accessModes] }, opts, "instance", "ClaimGuard");
  }
}
