import type { FleetModel } from "../../config/model";
import { rolloutWaves, type InstanceKey } from "./waves";

/** The fleet's waves from its validated config. */
export function fleetRolloutWaves(model: Pick<FleetModel, "tenants" | "rollout">): InstanceKey[][] {
  return rolloutWaves(
    model.tenants.map((t) => ({ tenant: t.name, instances: t.instances.map((i) => i.name) })),
    model.rollout,
  );
}
