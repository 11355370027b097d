/**
 * `rollout`: the waves a change to many instances goes in, and the longest a
 * `pulumi up` of the stack can take, from the stack file alone (no store, no
 * cluster). `rollout --minutes` prints only that number, for a CI job's
 * timeout (see .github/workflows/pulumi-up.yml).
 */
import { deployBudget } from "../components/builders/rollout/budget";
import { fleetRolloutWaves } from "../components/builders/rollout/plan";
import type { Context } from "./context";
import { EXIT } from "./errors";
import { json } from "./output";

export function rolloutCommand(ctx: Context, minutesOnly: boolean): number {
  const model = ctx.stack.model;
  const waves = fleetRolloutWaves(model);
  const budget = deployBudget(model, waves.length);
  if (minutesOnly) ctx.out.out(String(budget.totalMinutes));
  else if (ctx.json) ctx.out.out(json({ ...budget, waves, maxDeployMinutes: model.rollout.maxDeployMinutes }));
  else {
    waves.forEach((wave, i) =>
      ctx.out.out(`wave ${i + 1}${i === 0 && model.rollout.canary.length > 0 ? " (canary)" : ""}: ${wave.join(" ")}`),
    );
    ctx.out.out(
      `worst-case pulumi up: ${budget.totalMinutes} min (${waves.length} waves × ${budget.perWaveMinutes} min${budget.restoreMinutes > 0 ? ` + ${budget.restoreMinutes} min of restores` : ""} + 15), ` +
        `within rollout.maxDeployMinutes ${model.rollout.maxDeployMinutes}`,
    );
  }
  return EXIT.ok;
}
