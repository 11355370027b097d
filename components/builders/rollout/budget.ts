/**
 * How long a `pulumi up` of the fleet can take at worst, so that the deploy
 * job's timeout can be set from it (and a config that cannot fit is refused):
 * a deploy killed half-way leaves instances stopped and the stack locked.
 * Pure.
 */
import { parseDuration } from "../../config/duration";
import type { FleetModel } from "../../config/model";

/** Starting the program, providers, namespaces and everything that is not an instance's workload. */
export const BASE_MINUTES = 15;
/** The Kubernetes provider's default wait for a StatefulSet to become Ready after a change. */
export const WORKLOAD_AWAIT_MINUTES = 10;
/** What the Kubernetes provider waits for a restore Job on top of its own deadline (instance-backup.ts). */
export const RESTORE_AWAIT_MARGIN_MINUTES = 10;

export interface DeployBudget {
  /** How many waves. */
  readonly waveCount: number;
  /** Worst case for one wave: its instances' pre-update or pre-delete backups (in parallel), then their workloads. */
  readonly perWaveMinutes: number;
  /** Worst case for the restores this config asks for (they run in parallel, before their instances start). */
  readonly restoreMinutes: number;
  readonly totalMinutes: number;
}

export function deployBudget(model: Pick<FleetModel, "backup" | "tenants">, waves: number): DeployBudget {
  const backupMinutes = Math.ceil((parseDuration(model.backup.deleteTimeout) ?? 30 * 60_000) / 60_000);
  const perWaveMinutes = backupMinutes + WORKLOAD_AWAIT_MINUTES;
  const restoring = model.tenants.flatMap((t) => t.instances).filter((i) => i.spec.backup.restoreFrom !== undefined);
  const restoreMinutes =
    restoring.length === 0
      ? 0
      : Math.max(...restoring.map((i) => Math.ceil(i.spec.backup.activeDeadlineSeconds / 60))) + RESTORE_AWAIT_MARGIN_MINUTES;
  return { waveCount: waves, perWaveMinutes, restoreMinutes, totalMinutes: BASE_MINUTES + restoreMinutes + waves * perWaveMinutes };
}
