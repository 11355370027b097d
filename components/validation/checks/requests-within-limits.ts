import { requestsAboveLimits } from "../../config/primitives";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** The API server refuses a container whose request of a resource is above its limit. */
export const requestsWithinLimits: ConfigCheck = {
  id: "requests-within-limits",
  refuses:
    "a resource request above its limit, in `resources`, the resources of `chromium`, `tailscale`, `ollama`, `webTerminal` and `backup`, or of a sidecar or init container (a limit from `defaults` counts)",
  example: {
    config: { tenants: { acme: { instances: { bot: { resources: { requests: { cpu: "4" }, limits: { cpu: "2" } } } } } } },
    path: "tenants.acme.instances.bot.resources.requests.cpu",
    message: "4 is more than limits.cpu (2)",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const check = (at: (string | number)[], resources: Parameters<typeof requestsAboveLimits>[0] | undefined) => {
      if (resources === undefined) return;
      for (const issue of requestsAboveLimits(resources)) problems.push({ path: [...at, ...issue.path], message: issue.message });
    };
    check(["resources"], spec.resources);
    check(["chromium", "resources"], spec.chromium.resources);
    check(["tailscale", "resources"], spec.tailscale.resources);
    check(["ollama", "resources"], spec.ollama.resources);
    check(["webTerminal", "resources"], spec.webTerminal.resources);
    check(["backup", "resources"], spec.backup.resources);
    for (const key of ["initContainers", "sidecars"] as const) spec[key].forEach((c, i) => check([key, i, "resources"], c.resources));
    return problems;
  },
};
