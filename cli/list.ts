import { SNAPSHOT_KINDS } from "../components/builders/backup/engine";
import type { Context } from "./context";
import { CliError } from "./errors";
import { humanBytes, humanTime, json, table } from "./output";
import { indexSnapshots, withMarker, type CompleteSnapshot } from "./snapshots";
import { findInstance, findTenant } from "./stack";

export interface ListFilter {
  readonly tenant?: string;
  readonly instance?: string;
  readonly kind?: string;
}

/** Complete snapshots of the stack, oldest first, with time, size and file count from their markers. */
export async function listSnapshots(ctx: Context, filter: ListFilter): Promise<CompleteSnapshot[]> {
  const model = ctx.stack.model;
  if (filter.kind !== undefined && !(SNAPSHOT_KINDS as readonly string[]).includes(filter.kind)) {
    throw new CliError(`--kind must be one of ${SNAPSHOT_KINDS.join(", ")} (got "${filter.kind}")`);
  }
  if (filter.instance !== undefined && filter.tenant === undefined) throw new CliError("--instance needs --tenant");
  if (filter.tenant !== undefined) findTenant(model, filter.tenant);
  if (filter.tenant !== undefined && filter.instance !== undefined) {
    // A deleted instance's pre-delete snapshots are still worth listing: only warn.
    try {
      findInstance(model, filter.tenant, filter.instance);
    } catch {
      ctx.out.err(`note: ${filter.tenant}/${filter.instance} is not in the stack's config; listing what the store still has`);
    }
  }
  const store = await ctx.store();
  const tenants = filter.tenant !== undefined ? [filter.tenant] : model.tenants.map((t) => t.name);
  const found: CompleteSnapshot[] = [];
  for (const tenant of tenants) {
    // One location per tenant, or one per instance with a bucket per instance.
    for (const { bucket, instance } of await store.locationsOf(tenant, filter.instance)) {
      ctx.out.err(`listing ${store.prefix}${tenant}/${instance !== undefined ? `${instance}/` : ""} in ${bucket}…`);
      const index = await indexSnapshots(store.client, bucket, store.prefix, { tenant, instance });
      const snapshots = [...index.values()].flatMap((i) => i.complete).filter((s) => filter.kind === undefined || s.kind === filter.kind);
      for (const [n, snapshot] of snapshots.entries()) {
        if (snapshots.length > 20 && n % 20 === 0)
          ctx.out.err(`reading snapshot markers ${n + 1}-${Math.min(n + 20, snapshots.length)} of ${snapshots.length}…`);
        found.push(await withMarker(store.client, snapshot));
      }
    }
  }
  return found.sort((a, b) => a.time.localeCompare(b.time) || a.path.localeCompare(b.path));
}

export async function listCommand(ctx: Context, filter: ListFilter): Promise<number> {
  const snapshots = await listSnapshots(ctx, filter);
  if (ctx.json) {
    ctx.out.out(
      json(
        snapshots.map((s) => ({
          snapshot: s.path,
          tenant: s.tenant,
          instance: s.instance,
          kind: s.kind,
          time: new Date(humanTime(s.time).replace(" ", "T")).toISOString(),
          files: s.files,
          bytes: s.bytes,
          encrypted: s.encrypted,
        })),
      ),
    );
  } else if (snapshots.length === 0) {
    ctx.out.out("no complete snapshots");
  } else {
    ctx.out.out(
      table(
        ["TIME", "TENANT/INSTANCE", "KIND", "FILES", "SIZE", "ENCRYPTED", "SNAPSHOT"],
        snapshots.map((s) => [
          humanTime(s.time),
          `${s.tenant}/${s.instance}`,
          s.kind,
          String(s.files),
          humanBytes(s.bytes),
          s.encrypted ? "yes" : "no",
          s.path,
        ]),
      ),
    );
  }
  return 0;
}
