/**
 * `restore-snippet`: the config lines that restore an instance from a
 * snapshot, or clone it into another instance (of this or another tenant).
 * Printed, never applied: the restore happens in the reviewed `pulumi up`.
 */
import { mayRestoreFrom } from "../components/config/restore-allowance";
import type { Context } from "./context";
import { json } from "./output";
import { resolveSnapshot } from "./resolve";
import { parseInstanceArg } from "./stack";

export interface RestoreSnippet {
  readonly snapshot: string;
  readonly target: string;
  /** Into another instance than the one the snapshot is of. */
  readonly clone: boolean;
  /** The value of `backup.restoreFrom` (without the fleet prefix, which the config adds). */
  readonly restoreFrom: string;
  readonly commands: string[];
  readonly yaml: string;
  readonly notes: string[];
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export async function restoreSnippet(ctx: Context, text: string | undefined, into: string | undefined): Promise<RestoreSnippet> {
  const snapshot = await resolveSnapshot(ctx, text);
  const target = into === undefined ? { tenant: snapshot.tenant, instance: snapshot.instance } : parseInstanceArg(into, "--into");
  const model = ctx.stack.model;
  const stack = ctx.stack.name;
  const restoreFrom = `${snapshot.tenant}/${snapshot.instance}/${snapshot.kind}/${snapshot.time}`;
  const base = `tenants.${target.tenant}.instances.${target.instance}`;
  const targetTenant = model.tenants.find((t) => t.name === target.tenant);
  const targetInstance = targetTenant?.instances.find((i) => i.name === target.instance);
  const crossTenant = target.tenant !== snapshot.tenant;
  // Whose backups a tenant may read is the platform team's to allow, outside the tenant's own block.
  const needsPermission = !mayRestoreFrom(model.platform, target.tenant, snapshot.tenant);
  const allowedSources = model.platform.tenants[target.tenant]?.restoreFromTenants ?? [];
  const allowance = `platform.tenants.${target.tenant}.restoreFromTenants`;
  const notes: string[] = [];
  const commands: string[] = [];
  if (needsPermission) {
    commands.push(
      `pulumi config set --stack ${stack} --path ${shellQuote(`${allowance}[${allowedSources.length}]`)} ${shellQuote(snapshot.tenant)}`,
    );
    notes.push(
      `the platform team's allowance (${allowance}; a tenant's own block cannot grant it): tenant "${target.tenant}" may then read tenant "${snapshot.tenant}"'s backups`,
    );
  }
  commands.push(`pulumi config set --stack ${stack} --path ${shellQuote(`${base}.backup.restoreFrom`)} ${shellQuote(restoreFrom)}`);
  if (targetInstance === undefined)
    notes.push(`${target.tenant}/${target.instance} is not in the stack yet: the restore runs into its new volume before its first start`);
  else
    notes.push(
      `${target.tenant}/${target.instance} runs now: \`pulumi up\` stops it, restores (its current data is moved aside on the volume, never deleted) and starts it again`,
    );
  notes.push(
    needsPermission
      ? `once the clone is done, remove restoreFrom (that only deletes the finished Job) together with "${snapshot.tenant}" from ${allowance}`
      : "leave restoreFrom set afterwards: the same value never restores twice; a new value restores again",
  );

  const yaml = [
    `# ${stack}: stacks/Pulumi.${stack}.yaml`,
    "config:",
    ...(needsPermission
      ? [
          "  openclaw-fleet:platform:",
          "    tenants:",
          `      ${target.tenant}:`,
          `        restoreFromTenants: [${[...allowedSources, snapshot.tenant].join(", ")}]`,
        ]
      : []),
    "  openclaw-fleet:tenants:",
    `    ${target.tenant}:`,
    "      instances:",
    `        ${target.instance}:`,
    "          backup:",
    `            restoreFrom: ${restoreFrom}`,
  ].join("\n");
  const clone = crossTenant || target.instance !== snapshot.instance;
  return { snapshot: snapshot.path, target: `${target.tenant}/${target.instance}`, clone, restoreFrom, commands, yaml, notes };
}

export async function restoreSnippetCommand(ctx: Context, text: string | undefined, into: string | undefined): Promise<number> {
  const snippet = await restoreSnippet(ctx, text, into);
  if (ctx.json) {
    ctx.out.out(json(snippet));
    return 0;
  }
  ctx.out.out(
    [
      `# ${snippet.clone ? "Clone into" : "Restore"} ${snippet.target} from ${snippet.snapshot}`,
      ...snippet.notes.map((n) => `# ${n}`),
      ...snippet.commands,
      "",
      "# or, in the stack file:",
      snippet.yaml,
      "",
      "# then review and apply:",
      `pulumi preview --stack ${ctx.stack.name} && pulumi up --stack ${ctx.stack.name}`,
    ].join("\n"),
  );
  return 0;
}
