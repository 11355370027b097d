import { loadFleetConfig, readPulumiConfig, type RawStackConfig } from "./config/load";
import { BackupAlerts } from "./backup/alerts";
import { registerLifecycleHooks } from "./backup/hooks";
import { preUpdateSnapshots } from "./backup/hooks/outputs";
import { Fleet } from "./fleet";
import { deployBudget } from "./rollout/budget";

/** The whole program: config in, fleet out, outputs returned for export. */
export function program(raw: RawStackConfig = readPulumiConfig()) {
  const model = loadFleetConfig(raw);
  // First, on every run: a beforeDelete hook must be registered when the instance it guards has left the config.
  registerLifecycleHooks(model);
  const fleet = new Fleet("fleet", { model });
  new BackupAlerts("fleet-backup-alerts", { model }, { parent: fleet, providers: { kubernetes: fleet.kubernetes } });
  const workloads = new Map([...fleet.tenants].flatMap(([tenant, t]) => [...t.instances].map(([name, instance]) => [`${tenant}/${name}`, instance.statefulSet] as const)));
  // Tenant -> bucket: AWS bucket names carry a generated suffix, and the fleet CLI reads them from here.
  const store = fleet.backupStore;
  const backupBuckets = store !== undefined ? Object.fromEntries(model.tenants.map((t) => [t.name, store.refFor(t.name).bucket])) : {};
  // The rollout plan, so that a preview shows which instances change together, and in what order.
  const rollout = { waves: fleet.waves, worstCaseMinutes: deployBudget(model, fleet.waves.length).totalMinutes };
  return { tenants: fleet.outputs(), preUpdateSnapshots: preUpdateSnapshots(workloads), backupBuckets, rollout };
}
