/**
 * The stack the CLI works on: its `Pulumi.<stack>.yaml`, read as Pulumi
 * would hand it to the program (secrets stay encrypted placeholders) and
 * validated by the program's own loader, so the CLI and `pulumi up` can
 * never disagree about tenants, instances, schedules or the store.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadFleetConfig } from "../components/validation/load";
import type { FleetModel, InstanceModel, TenantModel } from "../components/config/model";
import { ConfigError } from "../components/config/problems";
import { StackFileError } from "../components/config/stack-file";
import { PROJECT } from "../scripts/lib/render-stack";
import { readStackFile } from "../scripts/lib/stack-file";
import { CliError, EXIT } from "./errors";

export interface LoadedStack {
  readonly name: string;
  readonly file: string;
  readonly model: FleetModel;
}

function knownStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function loadStack(name: string | undefined, stacksDir: string): LoadedStack {
  const dir = resolve(stacksDir);
  const known = knownStacks(dir);
  if (name === undefined) {
    throw new CliError(`which stack? pass --stack <name> or set OPENCLAW_FLEET_STACK (stacks in ${dir}: ${known.join(", ") || "none"})`);
  }
  const file = join(dir, `Pulumi.${name}.yaml`);
  if (!existsSync(file)) throw new CliError(`no stack "${name}": ${file} does not exist (stacks in ${dir}: ${known.join(", ") || "none"})`);
  try {
    return { name, file, model: loadFleetConfig(readStackFile(file, PROJECT)) };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`stack "${name}" has an invalid config:\n${error.message}`);
    if (error instanceof StackFileError) throw new CliError(error.message);
    throw error;
  }
}

export function findTenant(model: FleetModel, tenant: string): TenantModel {
  const found = model.tenants.find((t) => t.name === tenant);
  if (found === undefined)
    throw new CliError(
      `no tenant "${tenant}" in this stack (tenants: ${model.tenants.map((t) => t.name).join(", ") || "none"})`,
      EXIT.notFound,
    );
  return found;
}

export function findInstance(model: FleetModel, tenant: string, instance: string): InstanceModel {
  const t = findTenant(model, tenant);
  const found = t.instances.find((i) => i.name === instance);
  if (found === undefined)
    throw new CliError(
      `no instance "${instance}" in tenant "${tenant}" (instances: ${t.instances.map((i) => i.name).join(", ") || "none"})`,
      EXIT.notFound,
    );
  return found;
}

/** `<tenant>/<instance>` as typed on the command line. */
export function parseInstanceArg(text: string | undefined, what: string): { tenant: string; instance: string } {
  const [, tenant, instance] = (text === undefined ? null : /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(text)) ?? [];
  if (tenant === undefined || instance === undefined)
    throw new CliError(`${what} needs <tenant>/<instance>, e.g. acme/bot${text !== undefined ? ` (got "${text}")` : ""}`);
  return { tenant, instance };
}
