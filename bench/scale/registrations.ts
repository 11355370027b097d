// What the program registered, summarised for the scale tables: resources by provider, and any
// per-instance resource whose inputs name another instance (work that scans the whole fleet).
import type { Registration } from "../../scripts/lib/mock-runtime";
import { INSTANCE_NAME_PATTERN } from "./fleet-config";

export interface ResourceCounts {
  readonly total: number;
  readonly kubernetes: number;
  readonly aws: number;
  readonly other: number;
  /** Component resources (openclaw:*), which own no cloud object. */
  readonly components: number;
  readonly byType: Readonly<Record<string, number>>;
}

export function countResources(registrations: readonly Registration[]): ResourceCounts {
  const byType: Record<string, number> = {};
  let kubernetes = 0;
  let aws = 0;
  let components = 0;
  let other = 0;
  for (const r of registrations) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    if (!r.custom) components++;
    else if (r.type.startsWith("kubernetes:")) kubernetes++;
    else if (r.type.startsWith("aws:")) aws++;
    else other++;
  }
  return { total: registrations.length, kubernetes, aws, other, components, byType };
}

export interface FleetScan {
  /** Per-instance registrations whose inputs mention another instance. Should be 0. */
  readonly crossInstanceRegistrations: number;
  readonly examples: readonly string[];
  /** Fleet- or tenant-level registration whose inputs mention the most instances (inputs that grow with the fleet). */
  readonly widest?: { readonly type: string; readonly name: string; readonly instancesMentioned: number; readonly inputBytes: number };
  /** Fleet-level registration whose inputs mention the most tenants (e.g. a rule listing every namespace). */
  readonly widestTenants?: { readonly type: string; readonly name: string; readonly tenantsMentioned: number; readonly inputBytes: number };
}

const TENANT_NAME = /\bt\d{3}\b/g;

// Children of an instance are named `<tenant>/<instance>` or `<tenant>/<instance>-<part>`.
const OWNER = /^t\d{3}\/(bot-\d{4})(?:-|$)/;

function inputText(registration: Registration): string {
  return JSON.stringify(registration.inputs, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

export function scanFleet(registrations: readonly Registration[]): FleetScan {
  let crossInstanceRegistrations = 0;
  const examples: string[] = [];
  let widest: FleetScan["widest"];
  let widestTenants: FleetScan["widestTenants"];
  for (const r of registrations) {
    const text = inputText(r);
    const mentioned = new Set(text.match(INSTANCE_NAME_PATTERN) ?? []);
    const owner = OWNER.exec(r.name)?.[1];
    if (owner !== undefined) {
      mentioned.delete(owner);
      if (mentioned.size > 0) {
        crossInstanceRegistrations++;
        if (examples.length < 5)
          examples.push(`${r.type} ${r.name} mentions ${[...mentioned].slice(0, 3).join(", ")}${mentioned.size > 3 ? ", …" : ""}`);
      }
    } else {
      if (mentioned.size > (widest?.instancesMentioned ?? 0)) {
        widest = { type: r.type, name: r.name, instancesMentioned: mentioned.size, inputBytes: Buffer.byteLength(text) };
      }
      // Tenant-level children (`t000-…`) name their own tenant; only fleet-level ones are of interest.
      if (!/^t\d{3}(-|$)/.test(r.name)) {
        const tenants = new Set(text.match(TENANT_NAME) ?? []);
        if (tenants.size > (widestTenants?.tenantsMentioned ?? 0)) {
          widestTenants = { type: r.type, name: r.name, tenantsMentioned: tenants.size, inputBytes: Buffer.byteLength(text) };
        }
      }
    }
  }
  return { crossInstanceRegistrations, examples, ...(widest ? { widest } : {}), ...(widestTenants ? { widestTenants } : {}) };
}
