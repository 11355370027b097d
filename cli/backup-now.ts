/**
 * `backup now <tenant>/<instance>`: a manual Job from the instance's backup
 * CronJob (its exact pod template), waited for with progress. A running
 * instance is backed up live (SQLite through its own snapshot); one at zero
 * replicas cold, on whatever node can mount the volume.
 */
import { oneShotJobFromCronJob } from "../components/lifecycle-hooks/jobs";
import { formatDuration, parseDuration } from "../components/config/duration";
import { runJob } from "../components/lifecycle-hooks/workload";
import type { Context } from "./context";
import { CliError, EXIT } from "./errors";
import { json } from "./output";
import { findInstance, parseInstanceArg } from "./stack";

export async function backupNowCommand(ctx: Context, target: string | undefined, timeout: string | undefined): Promise<number> {
  const { tenant, instance } = parseInstanceArg(target, "backup now");
  const model = findInstance(ctx.stack.model, tenant, instance);
  if (!model.spec.backup.enabled || !model.spec.persistence.enabled)
    throw new CliError(`${tenant}/${instance} has no backups (backup.enabled is false or it has no volume)`);
  const timeoutMs = timeout === undefined ? (model.spec.backup.activeDeadlineSeconds + 600) * 1000 : parseDuration(timeout);
  if (timeoutMs === undefined) throw new CliError(`--timeout "${timeout}" is not a duration such as 30m or 2h`);

  const kube = ctx.kube();
  const cronJob = await kube.readCronJob(model.namespace, model.names.backupCronJob);
  if (cronJob === undefined)
    throw new CliError(
      `${model.namespace}/${model.names.backupCronJob} does not exist in the cluster: has the stack been deployed (pulumi up)?`,
      EXIT.notFound,
    );
  const workload = await kube.readStatefulSet(model.namespace, model.names.statefulSet);
  const cold = workload === undefined || workload.replicas === 0;
  const oneShot = oneShotJobFromCronJob(cronJob, {
    kind: "manual",
    nowMs: ctx.clock.now(),
    cold,
    requestedBy: "openclaw-fleet backup now",
  });
  ctx.out.err(
    `${tenant}/${instance}: manual ${cold ? "cold " : ""}backup to ${oneShot.snapshot} (waiting up to ${formatDuration(timeoutMs)})`,
  );
  const log = { info: (m: string) => ctx.out.err(m), warn: (m: string) => ctx.out.err(`warning: ${m}`) };
  const outcome = await runJob(
    { kube, clock: ctx.clock, log, pollMs: 5000 },
    model.namespace,
    oneShot.job,
    ctx.clock.now() + timeoutMs,
    `--timeout (${formatDuration(timeoutMs)})`,
  );
  const ok = outcome.result === "succeeded";
  if (ctx.json)
    ctx.out.out(
      json({
        job: `${model.namespace}/${oneShot.name}`,
        snapshot: oneShot.snapshot,
        result: outcome.result,
        ...(ok ? {} : { message: outcome.message }),
      }),
    );
  else ctx.out.out(ok ? `snapshot complete: ${oneShot.snapshot}` : `backup failed: ${outcome.message}`);
  return ok ? EXIT.ok : EXIT.unhealthy;
}
