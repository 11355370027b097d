import { loadFleetConfig, type RawStackConfig } from "../validation/load";
import { BackupAlerts } from "../backup-alerts/backup-alerts";
import { registerLifecycleHooks } from "../lifecycle-hooks/register";
import { preUpdateSnapshots } from "../lifecycle-hooks/outputs";
import { Fleet } from "../fleet/fleet";
import { deployBudget } from "../builders/rollout/budget";

export interface ProgramOptions {
  /**
   * Register the fleet's lifecycle hooks (pre-delete and pre-update backups, restore stop/start).
   * True under a real engine, which must see them on every run; false under Pulumi's mocks
   * (offline render, unit tests), which cannot register hooks and never run them.
   */
  readonly lifecycleHooks: boolean;
}

/** The whole program: config in, fleet out, outputs returned for export. */
export function program(raw: RawStackConfig, options: ProgramOptions) {
  const model = loadFleetConfig(raw);
  // First, on every run: a beforeDelete hook must be registered when the instance it guards has left the config.
  const hooks = options.lifecycleHooks ? registerLifecycleHooks(model) : undefined;
  const fleet = new Fleet("fleet", { model, hooks });
  new BackupAlerts("fleet-backup-alerts", { model }, { parent: fleet, providers: { kubernetes: fleet.kubernetes } });
  const workloads = new Map(
    [...fleet.tenants].flatMap(([tenant, t]) =>
      [...t.instances].map(([name, instance]) => [`${tenant}/${name}`, instance.statefulSet] as const),
    ),
  );
  // Tenant -> bucket (or <tenant>/<instance> -> bucket with bucketPer: instance): AWS bucket names carry a generated suffix, and the fleet CLI reads them from here.
  const backupBuckets = fleet.backupStore?.bucketNames() ?? {};
  // The rollout plan, so that a preview shows which instances change together, and in what order.
  const rollout = { waves: fleet.waves, worstCaseMinutes: deployBudget(model, fleet.waves.length).totalMinutes };
  return { tenants: fleet.outputs(), preUpdateSnapshots: preUpdateSnapshots(workloads), backupBuckets, rollout };
}
