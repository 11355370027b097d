/**
 * Kubernetes types checked against the official Kubernetes OpenAPI schema, through two
 * maintained libraries generated from it: kubernetes-models (ajv validators: types,
 * required fields, enums, quantities) and the models of @kubernetes/client-node (the fields
 * each type has, so that a misspelt field is refused: the API server would drop it silently).
 * Used by the config schemas for the pass-through options (affinity, tolerations, probes,
 * volumes, env `valueFrom`…) and by the tests for every rendered object.
 */
import * as path from "node:path";
import { closestMatch } from "./validators";

type Attribute = { name: string; baseName: string; type: string };
type ClientModel = { attributeTypeMap?: Attribute[] };
type Validatable = { validate(): void };
type ModelConstructor = new (data: unknown) => Validatable;
type AjvError = { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> };

/** One schema problem, at a path below the validated value. */
export interface SchemaProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

let clientModels: Record<string, ClientModel> | undefined;

/** The generated models of @kubernetes/client-node, loaded on first use (they are large, and most stacks never need them). */
export function kubernetesClientModels(): Record<string, ClientModel> {
  // The package entry point does not export them; the file is ESM, which require() loads on Node >= 20.19.
  clientModels ??= require(path.join(path.dirname(require.resolve("@kubernetes/client-node")), "gen/models/all.js")) as Record<
    string,
    ClientModel
  >;
  return clientModels;
}

function describeValue(value: unknown): string {
  return typeof value === "string"
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? "a list"
      : value === null
        ? "null"
        : typeof value === "object"
          ? "an object"
          : String(value);
}

/** Fields the Kubernetes type does not define, with a "did you mean" where one is close. */
export function unknownFields(value: unknown, type: string, at: (string | number)[] = []): SchemaProblem[] {
  if (value === null || value === undefined) return [];
  if (type.startsWith("Array<") && Array.isArray(value)) {
    const inner = type.slice(6, -1);
    return value.flatMap((item, i) => unknownFields(item, inner, [...at, i]));
  }
  const mapValueType = /^\{ \[key: string\]: (.*); \}$/.exec(type)?.[1];
  if (mapValueType !== undefined && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => unknownFields(item, mapValueType, [...at, key]));
  const model = kubernetesClientModels()[type];
  if (model?.attributeTypeMap === undefined || typeof value !== "object" || Array.isArray(value)) return [];
  const attributes = new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const attributeType = attributes.get(key);
    if (attributeType !== undefined) return unknownFields(item, attributeType, [...at, key]);
    const hint = closestMatch(key, [...attributes.keys()]);
    const kind = type.replace(/^V\d+(alpha\d+|beta\d+)?/, "");
    return [
      {
        path: [...at, key],
        message: hint ? `unknown field; did you mean "${hint}"?` : `unknown field: ${kind} has ${[...attributes.keys()].join(", ")}`,
      },
    ];
  });
}

/** Ajv's errors, one per path, in words that name the fix. */
function formatErrors(errors: readonly AjvError[], value: unknown): SchemaProblem[] {
  const byPath = new Map<string, AjvError[]>();
  for (const error of errors) {
    const at = error.keyword === "required" ? `${error.instancePath}/${String(error.params.missingProperty)}` : error.instancePath;
    byPath.set(at, [...(byPath.get(at) ?? []), error]);
  }
  const problems: SchemaProblem[] = [];
  for (const [at, list] of byPath) {
    const segments = at
      .split("/")
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
    let input: unknown = value;
    for (const s of segments)
      input = typeof input === "object" && input !== null ? (input as Record<string | number, unknown>)[s] : undefined;
    // Every path in byPath has at least one error.
    const [first] = list;
    if (first === undefined) continue;
    const pick = (keyword: string) => list.find((e) => e.keyword === keyword);
    const format = pick("format");
    const enumError = pick("enum");
    const required = pick("required");
    const type = pick("type");
    const message =
      format !== undefined
        ? `${describeValue(input)} is not a valid ${String(format.params.format)}${format.params.format === "quantity" ? " (e.g. 512Mi, 2Gi, 500m)" : ""}`
        : enumError !== undefined
          ? `${describeValue(input)} is not allowed; use one of ${(enumError.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`
          : required !== undefined
            ? "is required"
            : type !== undefined
              ? `expected ${String(type.params.type)}, got ${describeValue(input)}`
              : (first.message ?? `fails the ${first.keyword} rule`);
    problems.push({ path: segments, message });
  }
  return problems;
}

function modelOf(typeName: string): ModelConstructor {
  const model = (require(`kubernetes-models/v1/${typeName}`) as Record<string, ModelConstructor>)[typeName];
  if (model === undefined) throw new Error(`kubernetes-models/v1/${typeName} exports no ${typeName}`);
  return model;
}

/**
 * Every problem of `value` as the core/v1 Kubernetes type `typeName` (e.g. `Affinity`,
 * `Toleration`, `Probe`): wrong types, missing required fields, values outside an enum,
 * malformed quantities, and unknown fields. Empty when the API server would accept it.
 */
export function kubernetesTypeProblems(typeName: string, value: unknown): SchemaProblem[] {
  const Model = modelOf(typeName);
  const problems: SchemaProblem[] = [];
  try {
    new Model(value).validate();
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (errors === undefined) throw error;
    problems.push(...formatErrors(errors, value));
  }
  problems.push(...unknownFields(value, `V1${typeName}`));
  return problems;
}
