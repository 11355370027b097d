import { formatDuration, parseDuration } from "../../config/duration";
import { deployBudget } from "../../builders/rollout/budget";
import { fleetRolloutWaves } from "../../builders/rollout/plan";
import type { ConfigProblem } from "../../config/problems";
import type { ConfigCheck } from "../../config/check";

/**
 * A canary that is no instance would silently leave the fleet without one; a
 * config whose worst-case `pulumi up` outlasts the deploy job would be killed
 * half-way, with instances stopped and the stack locked.
 */
export const rolloutFit: ConfigCheck = {
  id: "rollout",
  example: {
    config: { rollout: { canary: ["acme/nope"] } },
    path: "rollout.canary[0]",
    message: '"acme/nope" is no instance of this stack',
  },
  refuses:
    "a `rollout.canary` entry that names no instance, and a config whose worst-case `pulumi up` (waves × (backup.deleteTimeout + 10 min), plus restores) is longer than `rollout.maxDeployMinutes`",
  stack({ stack, tenants }) {
    if (stack === undefined) return [];
    const problems: ConfigProblem[] = [];
    const known = new Set(tenants.flatMap((t) => t.instances.map((i) => `${t.name}/${i.name}`)));
    stack.rollout.canary.forEach((key, index) => {
      if (!known.has(key))
        problems.push({
          path: `rollout.canary[${index}]`,
          message: `"${key}" is no instance of this stack; name a <tenant>/<instance> from tenants, or remove it`,
        });
    });
    if (problems.length > 0) return problems;
    const waves = fleetRolloutWaves({ tenants, rollout: stack.rollout });
    const budget = deployBudget({ backup: stack.backup, tenants }, waves.length);
    if (budget.totalMinutes > stack.rollout.maxDeployMinutes) {
      const timeout = formatDuration(parseDuration(stack.backup.deleteTimeout) ?? 0);
      problems.push({
        path: "rollout.maxDeployMinutes",
        message:
          `a pulumi up of this fleet can take up to ${budget.totalMinutes} minutes (${waves.length} waves × ${budget.perWaveMinutes} min: backup.deleteTimeout ${timeout} + 10 min for the workloads` +
          `${budget.restoreMinutes > 0 ? `, plus ${budget.restoreMinutes} min of restores` : ""}, plus 15), more than the ${stack.rollout.maxDeployMinutes} a deploy job may run: ` +
          "take bigger waves (rollout.maxPerTenant, rollout.maxPerWave), shorten backup.deleteTimeout, or raise rollout.maxDeployMinutes for a runner that allows longer jobs",
      });
    }
    return problems;
  },
};
