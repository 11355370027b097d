import { z } from "zod";
import { dnsLabel, dnsSubdomain, positiveQuantity } from "../primitives";

const accessModes = z
  .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]))
  .min(1)
  .default(["ReadWriteOnce"]);

function volumeOptions(defaults: { enabled: boolean; size: string }) {
  return {
    enabled: z.boolean().default(defaults.enabled),
    /** Immutable after the claim exists: a change fails the preview (see docs/instance.md). */
    storageClass: dnsSubdomain("StorageClass name").optional(),
    size: positiveQuantity.default(defaults.size),
    accessModes,
    /** Use this PVC instead of creating one; it is never modified or deleted. */
    existingClaim: dnsLabel("PersistentVolumeClaim name", 253).optional(),
    /** Keep the PVC (and the data) when the instance is removed from config. */
    orphan: z.boolean().default(true),
  };
}

/** The state volume (`~/.openclaw`). */
export const persistence = z
  .object(volumeOptions({ enabled: true, size: "10Gi" }))
  .strict()
  .prefault({});

/**
 * A second volume for `~/.openclaw/workspace` (the agent's files), as in
 * KubeClaw's split volumes: sized, classed and kept apart from the state.
 * Backups cover both volumes.
 */
export const workspaceVolume = z
  .object(volumeOptions({ enabled: false, size: "5Gi" }))
  .strict()
  .prefault({});
export type VolumeSettings = z.output<typeof persistence>;
