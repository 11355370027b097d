import type { z } from "zod";
import type { BackupSpec } from "./backup-schema";
import type { InstanceSpec } from "./instance-schema";
import { hasPath, isPlainObject } from "./merge";
import type { InstanceModel } from "./model";
import { joinPath, type ConfigProblem } from "./problems";
import type { CheckContext, ConfigCheck, InstanceProblem } from "./check";

function child(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

/**
 * Where an instance problem belongs: under the instance when the instance sets the value (or
 * nobody does), under `defaults` when it is inherited from there, so a bad default is reported
 * once and not once per instance.
 */
function placeInstanceProblem(instance: InstanceModel, problem: InstanceProblem, context: CheckContext): ConfigProblem {
  const own = child(child(child(child(context.raw.values, "tenants"), instance.tenant), "instances"), instance.name);
  const defaults = context.raw.values.defaults;
  const inherited = problem.path.length > 0 && !hasPath(own, problem.path) && hasPath(defaults, problem.path);
  const base = inherited ? ["defaults"] : ["tenants", instance.tenant, "instances", instance.name];
  return { path: joinPath([...base, ...problem.path]), message: problem.message };
}

/** Runs every check, stack checks first, then each instance through each instance check. */
export function runChecks(checks: readonly ConfigCheck[], context: CheckContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const check of checks) if (check.stack !== undefined) problems.push(...check.stack(context));
  for (const tenant of context.tenants) {
    for (const instance of tenant.instances) {
      for (const check of checks) {
        if (check.instance === undefined) continue;
        for (const problem of check.instance(instance, context)) problems.push(placeInstanceProblem(instance, problem, context));
      }
    }
  }
  return problems;
}

/**
 * The `settings` checks as a refinement of the instance schema: their problems are schema issues
 * of the instance (or of `defaults`), placed and filtered as the schema's own are.
 */
export function settingsRefinement(checks: readonly ConfigCheck[]): (spec: InstanceSpec, ctx: z.RefinementCtx) => void {
  const settings = checks.flatMap((check) => (check.settings === undefined ? [] : [check.settings]));
  return (spec, ctx) => {
    for (const check of settings)
      for (const problem of check(spec)) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
  };
}

/** The `backupSettings` checks as a refinement of the stack's `backup` schema (see settingsRefinement). */
export function backupSettingsRefinement(checks: readonly ConfigCheck[]): (backup: BackupSpec, ctx: z.RefinementCtx) => void {
  const settings = checks.flatMap((check) => (check.backupSettings === undefined ? [] : [check.backupSettings]));
  return (backup, ctx) => {
    for (const check of settings)
      for (const problem of check(backup)) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
  };
}
