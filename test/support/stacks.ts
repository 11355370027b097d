import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadFleetConfig, type RawStackConfig } from "../../components/validation/load";
import { ConfigError } from "../../components/config/problems";
import { program } from "../../components/program/program";
import { isKubernetesObject, manifestOf, type KubernetesManifest } from "../../scripts/lib/manifests";
import { runWithMocks, type MockRunOptions, type Registration } from "../../scripts/lib/mock-runtime";
import { PROJECT } from "../../scripts/lib/render-stack";
import { readStackFile } from "../../scripts/lib/stack-file";

export const ROOT = resolve(__dirname, "..", "..");
export const STACKS_DIR = join(ROOT, "stacks");

/** The example stacks shipped in stacks/ (local, dev, prod, …). */
export function exampleStacks(): string[] {
  return readdirSync(STACKS_DIR)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function exampleStackConfig(stack: string): RawStackConfig {
  return readStackFile(join(STACKS_DIR, `Pulumi.${stack}.yaml`), PROJECT);
}

/** A raw config built in a test: values as they would appear under `openclaw-fleet:`. */
export function rawConfig(
  values: Record<string, unknown>,
  secretKeys: string[] = values.secrets !== undefined ? ["secrets"] : [],
): RawStackConfig {
  return { namespace: PROJECT, values, secretKeys: new Set(secretKeys) };
}

/** The smallest valid stack: one tenant, one instance, no backups. Tests spread their changes over it. */
export function minimalStack(instance: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): RawStackConfig {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { enabled: false },
    tenants: { acme: { instances: { bot: { image: { tag: "2026.9.6" }, ...instance } } } },
    ...extra,
  });
}

export async function runProgram(raw: RawStackConfig, options?: MockRunOptions): Promise<Registration[]> {
  const { registrations } = await runWithMocks(raw, program, options);
  return [...registrations];
}

/** Every Kubernetes object the program registered, as it would be applied (secrets revealed for validation). */
export function kubernetesObjects(registrations: readonly Registration[]): KubernetesManifest[] {
  return registrations.filter(isKubernetesObject).map((r) => manifestOf(r, "reveal"));
}

export function findObject(registrations: readonly Registration[], kind: string, name: string, namespace?: string): KubernetesManifest {
  const found = kubernetesObjects(registrations).filter(
    (m) => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace),
  );
  const [first] = found;
  if (first === undefined || found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
  return first;
}

export function findRegistration(registrations: readonly Registration[], type: string, name: string): Registration {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  const [first] = found;
  if (first === undefined || found.length !== 1)
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}: ${registrations
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return first;
}

/** The config loader's problems with a raw stack config, as `path: message` (none: it loads). */
export function configProblems(raw: RawStackConfig): string[] {
  try {
    loadFleetConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}
