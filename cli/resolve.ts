import { parseRestoreSource } from "../components/config/restore-source";
import type { Context } from "./context";
import { CliError, EXIT } from "./errors";
import { indexSnapshots, type Snapshot } from "./snapshots";
import { findTenant } from "./stack";

/**
 * A snapshot named on the command line, in any form `restoreFrom` accepts
 * (`acme/bot/periodic/20261122T035012Z`, with the prefix, or `…/latest`),
 * resolved to one complete snapshot in the store.
 */
export async function resolveSnapshot(ctx: Context, text: string | undefined): Promise<Snapshot> {
  if (text === undefined)
    throw new CliError("name a snapshot: <tenant>/<instance>/<kind>/<time> or <tenant>/<instance>/[<kind>/]latest (see `backups list`)");
  const source = parseRestoreSource(text);
  if (Array.isArray(source)) throw new CliError(`cannot read snapshot "${text}": ${source.map((p) => p.message).join("; ")}`);
  if (source.type === "plain") throw new CliError(`"${text}" is a plain folder, not a snapshot`);
  const store = await ctx.store();
  if (source.prefix !== undefined && source.prefix !== store.prefix) {
    throw new CliError(`"${text}" is below "${source.prefix}", but this stack's snapshots are below "${store.prefix}"`, EXIT.notFound);
  }
  const tenant = source.tenant ?? "";
  // The tenant must exist in the stack (its bucket may be its own, or the instance's); the instance may be gone (a pre-delete snapshot).
  findTenant(ctx.stack.model, tenant);
  const bucket = await store.bucketFor(tenant, source.instance);
  const index = (await indexSnapshots(store.client, bucket, store.prefix, { tenant, instance: source.instance })).get(
    `${tenant}/${source.instance}`,
  );
  const complete = (index?.complete ?? []).filter((s) => source.kind === undefined || s.kind === source.kind);
  const found = source.snapshot === "latest" ? complete[complete.length - 1] : complete.find((s) => s.time === source.snapshot);
  if (found === undefined) {
    const incomplete = index?.incomplete.some((s) => s.time === source.snapshot && (source.kind === undefined || s.kind === source.kind));
    const near = complete.slice(-3).map((s) => `${s.tenant}/${s.instance}/${s.kind}/${s.time}`);
    throw new CliError(
      `no complete snapshot "${text}" in ${store.prefix}${tenant}/${source.instance}/` +
        (incomplete ? " (it exists but is incomplete: its backup never finished)" : "") +
        (near.length > 0 ? `; newest: ${near.join(", ")}` : "; this instance has no complete snapshots"),
      EXIT.notFound,
    );
  }
  return found;
}
