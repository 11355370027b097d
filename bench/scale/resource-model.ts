// Resource counts as fixed + per tenant + per instance, solved exactly from three generated fleets
// (1 instance/1 tenant, 10/1, 50/5) and checked against every other size that was rendered.
import { INSTANCES_PER_TENANT } from "./fleet-config";

export interface Coefficients {
  readonly fixed: number;
  readonly perTenant: number;
  readonly perInstance: number;
}

export function tenantsFor(instances: number): number {
  return Math.ceil(instances / INSTANCES_PER_TENANT);
}

export function predict(c: Coefficients, instances: number): number {
  return c.fixed + c.perTenant * tenantsFor(instances) + c.perInstance * instances;
}

/** Solves count = fixed + perTenant·tenants + perInstance·instances from counts at 1, 10 and 50 instances. */
export function solveCoefficients(at1: number, at10: number, at50: number): Coefficients {
  // 1 and 10 instances share one tenant; 50 instances have 5.
  const perInstance = (at10 - at1) / 9;
  const perTenant = (at50 - at10 - 40 * perInstance) / (tenantsFor(50) - tenantsFor(10));
  const fixed = at1 - perTenant - perInstance;
  return { fixed: round(fixed), perTenant: round(perTenant), perInstance: round(perInstance) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Per-type coefficients for every type whose count is known at 1, 10 and 50 instances. */
export function coefficientsByType(counts: ReadonlyMap<number, Readonly<Record<string, number>>>): Map<string, Coefficients> {
  const [c1, c10, c50] = [counts.get(1), counts.get(10), counts.get(50)];
  if (!c1 || !c10 || !c50) throw new Error("resource coefficients need renders at 1, 10 and 50 instances");
  const types = new Set([...Object.keys(c1), ...Object.keys(c10), ...Object.keys(c50)]);
  const out = new Map<string, Coefficients>();
  for (const type of [...types].sort()) out.set(type, solveCoefficients(c1[type] ?? 0, c10[type] ?? 0, c50[type] ?? 0));
  return out;
}
