import { isolationProblems } from "../isolation";
import type { ConfigCheck } from "./types";

/** Issue 16's boundary between instances (components/config/isolation/), as one registered check. */
export const instanceIsolation: ConfigCheck = {
  id: "instance-isolation",
  refuses:
    "config that lets one instance act as or reach another: `rbac.additionalRules` that mint tokens, run pods, read Secrets or change objects of another owner (by the ownership registry, including user objects another instance uses), network opt-ins without their prerequisites, plain restores wider than one instance's folder, and containers running as the Tailscale daemon's UID (docs/security.md)",
  stack({ stack, tenants }) {
    const fleet = { fleetPrefix: stack?.backup.prefix ?? "backups/", apiServerCIDRs: stack?.cluster.kubernetes.apiServerCIDRs ?? [] };
    return tenants.flatMap((tenant) => isolationProblems(tenant, fleet));
  },
};
