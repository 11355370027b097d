/**
 * Validates Kubernetes objects against the real Kubernetes OpenAPI schema:
 * kubernetes-models (types, required fields, enums, quantities) and the
 * generated models of @kubernetes/client-node (unknown fields, which the JSON
 * schemas allow but the API server drops, silently losing a setting).
 */
import { joinPath } from "../../components/config/problems";
import { kubernetesClientModels, unknownFields } from "../../components/config/kubernetes-schema";

export interface KubernetesObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  [key: string]: unknown;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

type Validatable = { validate(): void };
type ModelConstructor = new (data: unknown) => Validatable;

/** Extra validators for kinds outside the core API (CRDs such as ServiceMonitor): `apiVersion/kind` → validate function. */
const extraValidators = new Map<string, (object: KubernetesObject) => string[]>();

export function registerValidator(apiVersion: string, kind: string, validate: (object: KubernetesObject) => string[]): void {
  extraValidators.set(`${apiVersion}/${kind}`, validate);
}

function loadModel(apiVersion: string, kind: string): ModelConstructor | undefined {
  const { group, version } = groupVersion(apiVersion);
  const modulePath = group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    const mod = require(modulePath) as Record<string, ModelConstructor>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

function clientModelName(apiVersion: string, kind: string): string {
  const { version } = groupVersion(apiVersion);
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Returns every schema problem of one object (empty when valid). */
export function schemaProblems(object: KubernetesObject): string[] {
  const apiVersion = String(object.apiVersion ?? "");
  const kind = String(object.kind ?? "");
  if (!apiVersion || !kind) return ["apiVersion and kind are required"];
  const extra = extraValidators.get(`${apiVersion}/${kind}`);
  if (extra !== undefined) return extra(object);

  const Model = loadModel(apiVersion, kind);
  const typeName = clientModelName(apiVersion, kind);
  if (Model === undefined || kubernetesClientModels()[typeName] === undefined) return [`no schema known for ${apiVersion} ${kind}`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (err) {
    problems.push(...(err instanceof Error ? err.message : String(err)).split(", "));
  }
  // The same check the config validation runs on pass-through fields (components/config/kubernetes-schema.ts).
  problems.push(...unknownFields(object, typeName).map((p) => `${joinPath(p.path)}: ${p.message} (not in ${typeName})`));
  return problems;
}

/** Throws with every problem, naming the object, when it is not valid. */
export function assertValidObject(object: KubernetesObject): void {
  const problems = schemaProblems(object);
  if (problems.length > 0) {
    const id = `${String(object.kind)} ${String(object.metadata?.namespace ?? "")}/${String(object.metadata?.name ?? "")}`;
    throw new Error(`${id} is not a valid Kubernetes object:\n  ${problems.join("\n  ")}`);
  }
}
