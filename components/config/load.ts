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
import { configCheckProblems } from "./checks";
import { overrideInstanceImages, unusedReplacements } from "./image-override";
import { ConfigError, joinPath, problemsFromIssues, type ConfigProblem } from "./problems";
import { keysAt } from "./schema-keys";
import { locateStackFile, readStackFile } from "./stack-file";
import { stackSchema, type StackSpec } from "./stack-schema";

/** A stack's config as Pulumi hands it to the program: values by key, and which keys are secret. */
export interface RawStackConfig {
  /** The config namespace (the project name), e.g. `openclaw-fleet`. */
  readonly namespace: string;
  /** Values under the namespace, keyed without the `namespace:` prefix. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys (without prefix) whose values are Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
  /** Full keys of other config namespaces (`aws:region`, a misspelt `openclaw-flet:tenants`). */
  readonly foreignKeys?: readonly string[];
  /**
   * Leaves (as config paths) the stack file holds encrypted or in plain text. Pulumi tells the
   * program only which top-level keys hold a secret, so this comes from the file when there is one.
   */
  readonly leafSecrecy?: { readonly secure: ReadonlySet<string>; readonly plain: ReadonlySet<string> };
}

// The SDK's own Config class uses this to mark secret values; it is not in the
// public typings, but it is the only synchronous way to ask which keys are secret.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running program's config, as Pulumi passes it, into a RawStackConfig. */
export function readPulumiConfig(namespace: string = pulumi.getProject()): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const foreignKeys: string[] = [];
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${namespace}:`)) {
      foreignKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(namespace.length + 1);
    values[key] = parseConfigValue(text);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { namespace, values, secretKeys, foreignKeys, leafSecrecy: stackFileSecrecy(namespace) };
}

/** Which leaves the stack file encrypts; undefined when there is no readable file (config from elsewhere). */
function stackFileSecrecy(namespace: string): RawStackConfig["leafSecrecy"] {
  const file = locateStackFile(process.cwd(), pulumi.getStack());
  try {
    return file === undefined ? undefined : readStackFile(file, namespace).leafSecrecy;
  } catch {
    // Pulumi read this file before the program started; a file it cannot parse is not the one it used.
    return undefined;
  }
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

  const stack = issuesOf(stackSchema, raw.values);
  problems.push(...problemsFromIssues(stack.issues, [], stackKeys));

  const defaultsRaw = isPlainObject(raw.values.defaults) ? raw.values.defaults : {};
  const defaults = issuesOf(instanceSchema, defaultsRaw);
  problems.push(...problemsFromIssues(defaults.issues, ["defaults"], instanceKeys));
  const defaultsIssueKeys = new Set(defaults.issues.map((issue) => `${joinPath(issue.path)}\0${issue.message}`));
  // A cross-field issue may involve a default and an instance's own value: only defaults' own issues are reported there.
  const reportedAtDefaults = (issue: z.core.$ZodIssue) => defaultsIssueKeys.has(`${joinPath(issue.path)}\0${issue.message}`);
  problems.push(...defaultsBackupProblems(defaultsRaw));

  const tenants: TenantModel[] = [];
  /** Each instance's spec before `images` rewrote it: what `images.replace` keys refer to. */
  const writtenSpecs: InstanceSpec[] = [];
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
      const ownIssues = merged.issues.filter((issue) => hasPath(own, issue.path) || !hasPath(defaultsRaw, issue.path) || !reportedAtDefaults(issue));
      problems.push(...problemsFromIssues(ownIssues, base, instanceKeys));
      if (merged.data === undefined) continue;
      problems.push(...instanceProblems(merged.data, base));
      problems.push(
        ...instanceBackupProblems(merged.data, { base, tenant: tenantName, platform: stack.data?.platform, fleetBackup: stack.data?.backup }),
      );
      // After every check of the spec as written, so a problem names the key the user set.
      writtenSpecs.push(merged.data);
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
      problems.push(...openclawConfigProblems(instance, { base, ownRaw: rawConfigOf(own), defaultsRaw: rawConfigOf(defaultsRaw) }));
      instances.push(instance);
    }
    if (tenantSpec !== undefined) {
      const { instances: _ignored, ...rest } = tenantSpec;
      tenants.push({ name: tenantName, namespace, spec: rest, instances });
    }
  }

  problems.push(...configCheckProblems({ raw, stack: stack.data, tenants }));
  problems.push(...unusedReplacements(stack.data?.images, writtenSpecs));
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
    rollout: stack.data.rollout,
    platform: stack.data.platform,
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
