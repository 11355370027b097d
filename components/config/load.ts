import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { z } from "zod";
import { backupConfigProblems } from "./backup-schema";
import { defaultsBackupProblems, instanceBackupProblems } from "./instance-backup-schema";
import { instanceSchema, type InstanceSpec } from "./instance-schema";
import { openclawConfigProblems } from "./openclaw-config-schema";
import { OPENCLAW_VERSION } from "./openclaw-release";
import { deepMerge, hasPath, isPlainObject } from "./merge";
import type { FleetModel, InstanceModel, SecretResolver, TenantModel } from "./model";
import { defaultNamespace, instanceLogicalName, instanceNames } from "./names";
import type { SecretRef } from "./primitives";
import { ConfigError, joinPath, problemsFromIssues, type ConfigProblem } from "./problems";
import { keysAt } from "./schema-keys";
import { stackSchema, type StackSpec } from "./stack-schema";

/** A stack's config as Pulumi hands it to the program: values by key, and which keys are secret. */
export interface RawStackConfig {
  /** The config namespace (the project name), e.g. `openclaw-fleet`. */
  readonly namespace: string;
  /** Values under the namespace, keyed without the `namespace:` prefix. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys (without prefix) whose values are Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
}

// The SDK's own Config class uses this to mark secret values; it is not in the
// public typings, but it is the only synchronous way to ask which keys are secret.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running program's config, as Pulumi passes it, into a RawStackConfig. */
export function readPulumiConfig(namespace: string = pulumi.getProject()): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${namespace}:`)) continue;
    const key = fullKey.slice(namespace.length + 1);
    values[key] = parseConfigValue(text);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { namespace, values, secretKeys };
}

/** Structured config values arrive as JSON text; plain strings do not. */
function parseConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function issuesOf<T extends z.ZodType>(schema: T, value: unknown): { data?: z.output<T>; issues: z.core.$ZodIssue[] } {
  // reportInput puts the offending value into each issue, so messages can quote it.
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? { data: result.data, issues: [] } : { issues: result.error.issues };
}

/**
 * Validates a whole stack config and builds the fleet model. Every problem is
 * collected before anything is thrown, so one run shows them all.
 */
export function loadFleetConfig(raw: RawStackConfig): FleetModel {
  const problems: ConfigProblem[] = [];
  const stackKeys = (path: readonly PropertyKey[]) => keysAt(stackSchema, path);
  const instanceKeys = (path: readonly PropertyKey[]) => keysAt(instanceSchema, path);

  problems.push(...secretPlacementProblems(raw));

  const stack = issuesOf(stackSchema, raw.values);
  problems.push(...problemsFromIssues(stack.issues, [], stackKeys));

  const defaultsRaw = isPlainObject(raw.values.defaults) ? raw.values.defaults : {};
  const defaults = issuesOf(instanceSchema, defaultsRaw);
  problems.push(...problemsFromIssues(defaults.issues, ["defaults"], instanceKeys));
  problems.push(...defaultsBackupProblems(defaultsRaw));

  const tenants: TenantModel[] = [];
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
      const merged = issuesOf(instanceSchema, deepMerge(defaultsRaw, own));
      // A bad value inherited from `defaults` is reported once, at `defaults`.
      const ownIssues = merged.issues.filter((issue) => hasPath(own, issue.path) || !hasPath(defaultsRaw, issue.path));
      problems.push(...problemsFromIssues(ownIssues, base, instanceKeys));
      if (merged.data === undefined) continue;
      problems.push(...instanceProblems(merged.data, base));
      problems.push(
        ...instanceBackupProblems(merged.data, { base, tenant: tenantName, allowCrossTenantRestore: tenantSpec?.allowCrossTenantRestore ?? false, fleetBackup: stack.data?.backup }),
      );
      const instance: InstanceModel = {
        tenant: tenantName,
        name: instanceName,
        namespace,
        logicalName: instanceLogicalName(tenantName, instanceName),
        names: instanceNames(instanceName),
        spec: merged.data,
      };
      problems.push(...openclawConfigProblems(instance, { base, ownRaw: rawConfigOf(own), defaultsRaw: rawConfigOf(defaultsRaw) }));
      instances.push(instance);
    }
    if (tenantSpec !== undefined) {
      const { instances: _ignored, ...rest } = tenantSpec;
      tenants.push({ name: tenantName, namespace, spec: rest, instances });
    }
  }

  problems.push(...namespaceProblems(tenants));
  for (const tenant of tenants) problems.push(...derivedNameProblems(tenant));
  if (stack.data !== undefined) problems.push(...secretRefProblems(stack.data, raw.values));
  if (stack.data !== undefined) problems.push(...backupConfigProblems(stack.data, tenants));

  if (problems.length > 0 || stack.data === undefined) {
    throw new ConfigError(raw.namespace, dedupe(problems));
  }
  return {
    project: raw.namespace,
    cluster: stack.data.cluster,
    aws: stack.data.aws,
    backup: stack.data.backup,
    tenants,
    secrets: secretResolver(stack.data.secrets),
  };
}

/** `config.raw` as the user wrote it, at one level of the config (an instance or `defaults`). */
function rawConfigOf(level: Record<string, unknown>): unknown {
  return isPlainObject(level.config) ? level.config.raw : undefined;
}

function instanceProblems(spec: InstanceSpec, base: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (spec.image.tag === undefined && spec.image.digest === undefined) {
    problems.push({
      path: joinPath([...base, "image", "tag"]),
      message: `no image version: set image.tag (e.g. ${OPENCLAW_VERSION}) or image.digest (sha256:…), here or in defaults, so that every rollout is pinned and reviewable`,
    });
  }
  return problems;
}

function namespaceProblems(tenants: readonly TenantModel[]): ConfigProblem[] {
  const owners = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const tenant of tenants) {
    const other = owners.get(tenant.namespace);
    if (other !== undefined) {
      problems.push({
        path: joinPath(["tenants", tenant.name, "namespace"]),
        message: `namespace "${tenant.namespace}" is already used by tenant "${other}"; each tenant needs its own namespace`,
      });
    } else {
      owners.set(tenant.namespace, tenant.name);
    }
  }
  return problems;
}

/**
 * Two instances of a tenant share a namespace, so their derived names must not
 * collide: instance `bot-backup` would otherwise take instance `bot`'s backup
 * ServiceAccount.
 */
function derivedNameProblems(tenant: TenantModel): ConfigProblem[] {
  const owners = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    for (const name of new Set(Object.values(instance.names))) {
      const other = owners.get(name);
      if (other !== undefined && other !== instance.name) {
        problems.push({
          path: joinPath(["tenants", tenant.name, "instances", instance.name]),
          message: `derived Kubernetes name "${name}" collides with one of instance "${other}" in namespace ${tenant.namespace}; rename one of the two instances`,
        });
      } else {
        owners.set(name, instance.name);
      }
    }
  }
  return problems;
}

/**
 * Secrets live only under `secrets`, and only as Pulumi secrets: a secret
 * anywhere else would make Pulumi treat a whole subtree (tenant names
 * included) as secret, and a plain `secrets` key would sit unencrypted in the
 * stack file.
 */
function secretPlacementProblems(raw: RawStackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const secrets = raw.values.secrets;
  if (secrets !== undefined && !raw.secretKeys.has("secrets")) {
    problems.push({
      path: "secrets",
      message: "is stored in plain text; set each value with `pulumi config set --secret --path 'secrets.<name>' <value>`",
    });
  }
  for (const key of [...raw.secretKeys].sort()) {
    if (key !== "secrets") {
      problems.push({
        path: key,
        message: "holds a secret value; put secrets under `secrets` (pulumi config set --secret --path 'secrets.<name>') and reference them as { secretRef: <name> }",
      });
    }
  }
  return problems;
}

function secretRefProblems(stack: StackSpec, values: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isPlainObject(value)) {
      const ref = value.secretRef;
      if (typeof ref === "string" && Object.keys(value).length === 1 && !(ref in stack.secrets)) {
        problems.push({
          path: joinPath([...path, "secretRef"]),
          message: `secret "${ref}" is not set; run \`pulumi config set --secret --path 'secrets.${ref}' <value>\``,
        });
      }
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
    }
  };
  for (const [key, value] of Object.entries(values)) if (key !== "secrets") visit(value, [key]);
  return problems;
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
