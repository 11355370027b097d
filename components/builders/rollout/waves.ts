/**
 * The fleet's rollout plan: which instances change together. Pure: the same
 * config always gives the same waves, so a preview shows what `up` will do.
 */
import type { RolloutSpec } from "../../config/rollout-schema";

/** `<tenant>/<instance>`. */
export type InstanceKey = string;

export interface TenantInstances {
  readonly tenant: string;
  readonly instances: readonly string[];
}

/** Instances of one tenant a wave may take under `maxPerTenant`. */
export function tenantWaveCap(maxPerTenant: RolloutSpec["maxPerTenant"], instanceCount: number): number {
  if (typeof maxPerTenant === "number") return maxPerTenant;
  const share = Number(maxPerTenant.slice(0, -1)) / 100;
  return Math.max(1, Math.ceil(share * instanceCount));
}

/**
 * Waves in order: the canaries first (a wave of their own), then waves that
 * take, tenant by tenant in name order (each wave going on from the tenant
 * after the last one served), at most `maxPerTenant` of each tenant's
 * remaining instances and at most `maxPerWave` in all. Every instance is in
 * exactly one wave; no wave is empty.
 */
export function rolloutWaves(tenants: readonly TenantInstances[], rollout: RolloutSpec): InstanceKey[][] {
  const all = [...tenants].sort((a, b) => a.tenant.localeCompare(b.tenant));
  const canaries = new Set(rollout.canary);
  const waves: InstanceKey[][] = [];
  const first = all.flatMap((t) => [...t.instances].sort().map((i) => `${t.tenant}/${i}`)).filter((key) => canaries.has(key));
  if (first.length > 0) waves.push(first);
  const remaining = all.map((t) => ({
    cap: tenantWaveCap(rollout.maxPerTenant, t.instances.length),
    queue: [...t.instances]
      .sort()
      .map((i) => `${t.tenant}/${i}`)
      .filter((key) => !canaries.has(key)),
  }));
  const fleetCap = rollout.maxPerWave ?? Infinity;
  // Waves start where the last one stopped, so a fleet-wide cap spreads across tenants instead of
  // draining one tenant first.
  let next = 0;
  while (remaining.some((t) => t.queue.length > 0)) {
    const wave: InstanceKey[] = [];
    const start = next;
    for (let step = 0; step < remaining.length && wave.length < fleetCap; step++) {
      const index = (start + step) % remaining.length;
      const tenant = remaining[index];
      if (tenant === undefined) throw new Error(`rollout waves: no tenant at ${index} of ${remaining.length}`);
      const take = Math.min(tenant.cap, tenant.queue.length, fleetCap - wave.length);
      if (take === 0) continue;
      wave.push(...tenant.queue.splice(0, take));
      next = (index + 1) % remaining.length;
    }
    waves.push(wave);
  }
  return waves;
}
