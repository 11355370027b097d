/**
 * An instance is a security boundary: config that would let one instance
 * act as, read, or reach into another (or its backups) is refused here, with
 * the config path and the fix. Called by the loader once per tenant, after
 * every instance of it is known. See docs/security.md, "Between instances".
 */
import type { TenantModel } from "../model";
import type { ConfigProblem } from "../problems";
import { networkProblems } from "./network";
import { plainRestoreProblems } from "./plain-restore";
import { rbacRuleProblems } from "./rbac-rules";
import { tailscaleProblems } from "./tailscale";

export interface FleetFacts {
  /** `backup.prefix`. */
  readonly fleetPrefix: string;
  /** `cluster.kubernetes.apiServerCIDRs`. */
  readonly apiServerCIDRs: readonly string[];
}

export function isolationProblems(tenant: TenantModel, fleet: FleetFacts): ConfigProblem[] {
  return [
    ...rbacRuleProblems(tenant),
    ...networkProblems(tenant, fleet.apiServerCIDRs),
    ...plainRestoreProblems(tenant, fleet.fleetPrefix),
    ...tailscaleProblems(tenant),
  ];
}
