import { asList, asObject, asString, type JsonObject } from "./values";

/** One statement of an IAM policy document, with its list-or-string fields normalised to lists. */
export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly condition: JsonObject;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return asList(value).filter((v): v is string => typeof v === "string");
}

/** Parses a policy document given as JSON text or as an object; undefined when it is neither. */
export function parsePolicyDocument(document: unknown): Statement[] | undefined {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  const object = asObject(parsed);
  if (object === undefined) return undefined;
  const raw = Array.isArray(object.Statement) ? object.Statement : [object.Statement];
  return raw
    .map(asObject)
    .filter((s): s is JsonObject => s !== undefined)
    .map((s) => ({
      ...(asString(s.Sid) !== undefined ? { sid: asString(s.Sid) } : {}),
      effect: asString(s.Effect) ?? "",
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      condition: asObject(s.Condition) ?? {},
    }));
}

/**
 * Values of a condition key under any operator (StringLike, StringEquals,
 * ForAnyValue:StringLike, …). Keys compare case-insensitively, as IAM does.
 */
export function conditionValues(condition: JsonObject, key: string): string[] {
  const out: string[] = [];
  for (const block of Object.values(condition)) {
    for (const [name, value] of Object.entries(asObject(block) ?? {})) {
      if (name.toLowerCase() === key.toLowerCase()) out.push(...strings(value));
    }
  }
  return out;
}
