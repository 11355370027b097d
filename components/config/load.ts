import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { RawStackConfig } from "./raw-config";
import { backupSchema } from "./backup-schema";
import { instanceSchema } from "./instance-schema";
import { deepMerge, hasPath, isPlainObject } from "./merge";
import type { FleetModel, InstanceModel, SecretResolver, TenantModel } from "./model";
import { defaultNamespace, instanceLogicalName, instanceNames } from "./names";
import type { SecretRef } from "./primitives";
import type { ConfigCheck, WrittenInstance } from "./check";
import { backupSettingsRefinement, runChecks, settingsRefinement } from "./run-checks";
import { overrideInstanceImages } from "./image-override";
import { ConfigError, joinPath, problemsFromIssues, type ConfigProblem } from "./problems";
import { keysAt } from "./schema-keys";
import { stackSchema } from "./stack-schema";

export type { RawStackConfig } from "./raw-config";

function issuesOf<T extends z.ZodType>(schema: T, value: unknown): { data?: z.output<T>; issues: z.core.$ZodIssue[] } {
  // reportInput puts the offending value into each issue, so messages can quote it.
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? { data: result.data, issues: [] } : { issues: result.error.issues };
}

/**
 * Validates a whole stack config and builds the fleet model: the schemas (with the `settings`
 * checks of `checks`, rules between one instance's options), then every other check in `checks`
 * (the registry in components/validation/checks, which may render objects to check them).
 * Every problem is collected before anything is thrown, so one run shows them all.
 */
export function modelFleetConfig(raw: RawStackConfig, checks: readonly ConfigCheck[]): FleetModel {
  const problems: ConfigProblem[] = [];
  const stackKeys = (path: readonly PropertyKey[]) => keysAt(stackSchema, path);
  const instanceKeys = (path: readonly PropertyKey[]) => keysAt(instanceSchema, path);
  // The schema of one instance's settings, with the registry's rules between its options.
  const checkedInstanceSchema = instanceSchema.superRefine(settingsRefinement(checks));
  const checkedStackSchema = stackSchema.extend({ backup: backupSchema.superRefine(backupSettingsRefinement(checks)) });

  const stack = issuesOf(checkedStackSchema, raw.values);
  problems.push(...problemsFromIssues(stack.issues, [], stackKeys));

  const defaultsRaw = isPlainObject(raw.values.defaults) ? raw.values.defaults : {};
  const defaults = issuesOf(checkedInstanceSchema, defaultsRaw);
  problems.push(...problemsFromIssues(defaults.issues, ["defaults"], instanceKeys));
  const defaultsIssueKeys = new Set(defaults.issues.map((issue) => `${joinPath(issue.path)}\0${issue.message}`));
  // A cross-field issue may involve a default and an instance's own value: only defaults' own issues are reported there.
  const reportedAtDefaults = (issue: z.core.$ZodIssue) => defaultsIssueKeys.has(`${joinPath(issue.path)}\0${issue.message}`);

  const tenants: TenantModel[] = [];
  /** Each instance's spec before `images` rewrote it: what `images.replace` keys refer to. */
  const written: WrittenInstance[] = [];
  const rawTenants = isPlainObject(raw.values.tenants) ? raw.values.tenants : {};
  for (const tenantName of Object.keys(rawTenants).sort()) {
    const tenantSpec = stack.data?.tenants[tenantName];
    const rawTenant = rawTenants[tenantName];
    const rawInstances = isPlainObject(rawTenant) && isPlainObject(rawTenant.instances) ? rawTenant.instances : {};
    const namespace = tenantSpec?.namespace ?? defaultNamespace(tenantName);
    const instances: InstanceModel[] = [];
    for (const instanceName of Object.keys(rawInstances).sort()) {
      const base = ["tenants", tenantName, "instances", instanceName];
      const own = rawInstances[instanceName] ?? {};
      if (!isPlainObject(own)) {
        problems.push({ path: joinPath(base), message: "must be an object of instance settings ({} for all defaults)" });
        continue;
      }
      const merged = issuesOf(checkedInstanceSchema, deepMerge(defaultsRaw, own));
      // A bad value inherited from `defaults` is reported once, at `defaults`.
      const ownIssues = merged.issues.filter(
        (issue) => hasPath(own, issue.path) || !hasPath(defaultsRaw, issue.path) || !reportedAtDefaults(issue),
      );
      problems.push(...problemsFromIssues(ownIssues, base, instanceKeys));
      if (merged.data === undefined) continue;
      // After every check of the spec as written, so a problem names the key the user set.
      written.push({ tenant: tenantName, name: instanceName, spec: merged.data });
      const overridden = overrideInstanceImages(merged.data, stack.data?.images);
      problems.push(...overridden.problems);
      const instance: InstanceModel = {
        tenant: tenantName,
        name: instanceName,
        namespace,
        logicalName: instanceLogicalName(tenantName, instanceName),
        names: instanceNames(instanceName),
        spec: overridden.spec,
      };
      instances.push(instance);
    }
    if (tenantSpec !== undefined) {
      const { instances: _ignored, ...rest } = tenantSpec;
      tenants.push({ name: tenantName, namespace, spec: rest, instances });
    }
  }

  problems.push(...runChecks(checks, { raw, stack: stack.data, tenants, written }));

  if (problems.length > 0 || stack.data === undefined) {
    throw new ConfigError(raw.namespace, dedupe(problems));
  }
  return {
    project: raw.namespace,
    cluster: stack.data.cluster,
    aws: stack.data.aws,
    backup: stack.data.backup,
    tenants,
    rollout: stack.data.rollout,
    platform: stack.data.platform,
    secrets: secretResolver(stack.data.secrets),
  };
}

function secretResolver(secrets: Readonly<Record<string, string>>): SecretResolver {
  const cache = new Map<string, pulumi.Output<string>>();
  return {
    resolve(ref: SecretRef): pulumi.Output<string> {
      const value = secrets[ref.secretRef];
      if (value === undefined) throw new Error(`secret "${ref.secretRef}" is not set (validated config should have caught this)`);
      let output = cache.get(ref.secretRef);
      if (output === undefined) {
        output = pulumi.secret(value);
        cache.set(ref.secretRef, output);
      }
      return output;
    },
  };
}

function dedupe(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
