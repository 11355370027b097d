/** How much node disk a backup pod may use: bounds (emptyDir sizeLimits) and what it requests. */
import type { InstanceModel } from "../../config/model";

/** /tmp of a backup container: rclone's and sh's small temporary files. */
export const TMP_LIMIT = "1Gi";
/** What the scheduler reserves for each backup container's scratch space; the emptyDirs' sizeLimits bound it. */
export const BACKUP_EPHEMERAL_STORAGE = "1Gi";

/**
 * The engine's scratch dir and the SQLite copies can never hold more than the
 * volumes they come from, so together the volumes' sizes bound both
 * (`persistence.size`, `workspaceVolume.size`; set them to an existing
 * claim's real size).
 */
export function sourcesSize(instance: InstanceModel): string {
  const spec = instance.spec;
  const total = quantityGi(spec.persistence.size) + (spec.workspaceVolume.enabled ? quantityGi(spec.workspaceVolume.size) : 0);
  return `${Math.max(1, Math.ceil(total))}Gi`;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity (as config validation accepts it) in GiB. */
export function quantityGi(q: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q);
  if (m === null) throw new Error(`${q} is not a Kubernetes quantity`);
  const [, number, exponent, suffix] = m;
  const scale = exponent !== undefined ? 10 ** Number(exponent) : suffix === undefined ? 1 : (BINARY[suffix] ?? DECIMAL[suffix]);
  if (scale === undefined) throw new Error(`${q} has an unknown quantity suffix`);
  return (Number(number) * scale) / 2 ** 30;
}
