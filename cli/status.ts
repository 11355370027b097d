/**
 * `backups status`: for every instance of the stack, its schedule, newest
 * complete snapshot, next run, retention and encryption, and a verdict:
 *   healthy  a complete snapshot within twice the schedule's interval
 *   failing  not stale yet, but runs since the newest complete snapshot left
 *            only incomplete ones (a run is failing, or one is running now)
 *   stale    no complete snapshot within twice the interval (or none at all)
 *   off      backups are off for the instance
 * The same bound as the BackupStale alert, so the two agree.
 */
import { toCron } from "../components/config/schedule-syntax";
import type { InstanceModel } from "../components/config/model";
import type { Context } from "./context";
import { nextRuns, scheduleInterval } from "./cron";
import { EXIT } from "./errors";
import { humanAge, humanBytes, humanTime, json, table } from "./output";
import { indexSnapshots, snapshotMs, withMarker, type InstanceIndex } from "./snapshots";

export type Health = "healthy" | "failing" | "stale" | "off";

export interface InstanceStatus {
  readonly instance: string;
  readonly health: Health;
  readonly schedule?: string;
  readonly timeZone?: string;
  readonly lastSnapshot?: { snapshot: string; time: string; bytes: number; files: number; ageSeconds: number };
  readonly nextRun?: string;
  readonly intervalSeconds?: number;
  readonly retention?: { keepLast: number; maxAgeDays: number };
  readonly encryption: string;
  readonly incompleteSinceLast: number;
}

function encryptionOf(ctx: Context, instance: InstanceModel): string {
  const parts: string[] = [];
  if (ctx.stack.model.backup.store?.kind === "aws") parts.push("SSE-KMS");
  if (instance.spec.backup.encryption !== undefined) parts.push("client-side");
  return parts.join(" + ") || "none";
}

export async function instanceStatuses(ctx: Context): Promise<InstanceStatus[]> {
  const model = ctx.stack.model;
  const store = await ctx.store();
  const out: InstanceStatus[] = [];
  for (const tenant of model.tenants) {
    // The tenant's bucket, or each of its instances' own (bucketPer: instance).
    const index = new Map<string, InstanceIndex>();
    for (const { bucket, instance } of await store.locationsOf(tenant.name)) {
      ctx.out.err(`reading ${store.prefix}${tenant.name}/${instance !== undefined ? `${instance}/` : ""} in ${bucket}…`);
      for (const [id, found] of await indexSnapshots(store.client, bucket, store.prefix, { tenant: tenant.name, instance }))
        index.set(id, found);
    }
    for (const instance of tenant.instances) {
      const id = `${tenant.name}/${instance.name}`;
      const backup = instance.spec.backup;
      if (!backup.enabled || !instance.spec.persistence.enabled) {
        out.push({ instance: id, health: "off", encryption: encryptionOf(ctx, instance), incompleteSinceLast: 0 });
        continue;
      }
      out.push(await statusOf(ctx, instance, index.get(id) ?? { complete: [], incomplete: [] }));
    }
  }
  return out;
}

async function statusOf(ctx: Context, instance: InstanceModel, index: InstanceIndex): Promise<InstanceStatus> {
  const backup = instance.spec.backup;
  const cron = toCron(backup.schedule, `${instance.tenant}/${instance.name}`);
  const interval = scheduleInterval(cron, ctx.now, backup.timeZone) ?? 24 * 3_600_000;
  const next = nextRuns(cron, ctx.now, 1, backup.timeZone)[0];
  const newest = index.complete[index.complete.length - 1];
  const last = newest === undefined ? undefined : await withMarker((await ctx.store()).client, newest);
  const lastMs = newest === undefined ? undefined : snapshotMs(newest);
  const incompleteSinceLast = index.incomplete.filter((s) => lastMs === undefined || snapshotMs(s) > lastMs).length;
  const stale = lastMs === undefined || ctx.now - lastMs > 2 * interval;
  const health: Health = stale ? "stale" : incompleteSinceLast > 0 ? "failing" : "healthy";
  return {
    instance: `${instance.tenant}/${instance.name}`,
    health,
    schedule: cron,
    ...(backup.timeZone !== undefined ? { timeZone: backup.timeZone } : {}),
    ...(last !== undefined && lastMs !== undefined
      ? {
          lastSnapshot: {
            snapshot: last.path,
            time: new Date(lastMs).toISOString(),
            bytes: last.bytes,
            files: last.files,
            ageSeconds: Math.round((ctx.now - lastMs) / 1000),
          },
        }
      : {}),
    ...(next !== undefined ? { nextRun: new Date(next).toISOString() } : {}),
    intervalSeconds: Math.round(interval / 1000),
    retention: { keepLast: backup.retention.keepLast, maxAgeDays: backup.retention.maxAgeDays },
    encryption: encryptionOf(ctx, instance),
    incompleteSinceLast,
  };
}

export async function statusCommand(ctx: Context): Promise<number> {
  const statuses = await instanceStatuses(ctx);
  if (ctx.json) {
    ctx.out.out(json(statuses));
  } else {
    ctx.out.out(
      table(
        ["INSTANCE", "HEALTH", "SCHEDULE", "LAST SNAPSHOT", "SIZE", "NEXT RUN", "RETENTION", "ENCRYPTION"],
        statuses.map((s) => [
          s.instance,
          s.health + (s.incompleteSinceLast > 0 ? ` (${s.incompleteSinceLast} incomplete)` : ""),
          s.schedule === undefined ? "-" : `${s.schedule}${s.timeZone !== undefined ? ` ${s.timeZone}` : " UTC"}`,
          s.lastSnapshot === undefined
            ? s.health === "off"
              ? "-"
              : "never"
            : `${humanTime(Date.parse(s.lastSnapshot.time))} (${humanAge(s.lastSnapshot.ageSeconds * 1000)} ago)`,
          s.lastSnapshot === undefined ? "-" : humanBytes(s.lastSnapshot.bytes),
          s.nextRun === undefined ? "-" : humanTime(Date.parse(s.nextRun)),
          s.retention === undefined ? "-" : `last ${s.retention.keepLast}, ${s.retention.maxAgeDays}d`,
          s.encryption,
        ]),
      ),
    );
  }
  const stale = statuses.filter((s) => s.health === "stale");
  if (stale.length > 0)
    ctx.out.err(`stale: ${stale.map((s) => s.instance).join(", ")} (no complete snapshot in twice the schedule interval)`);
  return stale.length > 0 ? EXIT.unhealthy : EXIT.ok;
}
