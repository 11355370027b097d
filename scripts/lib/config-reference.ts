/**
 * Walks the zod schemas of the stack config and lists every key with its
 * type and default: the computed half of docs/config.md. The walk reads zod
 * 4's public `_zod.def`, as components/config/schema-keys.ts does, so a key
 * added to a schema shows up here without any other change.
 */
import { z } from "zod";

type Schema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
  readonly keyType?: Schema;
  readonly valueType?: Schema;
  readonly element?: Schema;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly defaultValue?: unknown;
  readonly format?: string;
}

export interface ConfigKey {
  /** Dotted path; map keys appear as placeholders (`tenants.<tenant>.namespace`), list items as `[]`. */
  readonly path: string;
  readonly type: string;
  /** `required`, `unset` (optional, no default), or the default as JSON. */
  readonly default: string;
  /** From `.describe()` in the schema, when the schema carries one. */
  readonly description?: string;
}

export interface WalkOptions {
  /** Placeholder for the keys of a map at a path, e.g. `{ tenants: "<tenant>" }`; default `<key>`. */
  readonly placeholders?: Readonly<Record<string, string>>;
}

const defOf = (schema: Schema): Def => schema._zod.def;

interface Unwrapped {
  readonly core: Schema;
  readonly default: string;
  readonly description?: string;
}

function describedAs(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.description;
}

/** Peels optional/default/prefault/pipe wrappers, remembering what they say about presence and default. */
function unwrap(schema: Schema): Unwrapped {
  let current = schema;
  let presence: string | undefined;
  let description = describedAs(schema);
  for (;;) {
    const def = defOf(current);
    if (def.type === "default" && presence === undefined) presence = JSON.stringify(def.defaultValue);
    if (def.type === "prefault" && presence === undefined) presence = "{}";
    if (def.type === "optional" && presence === undefined) presence = "unset";
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (next === undefined)
      return { core: current, default: presence ?? "required", ...(description !== undefined ? { description } : {}) };
    current = next;
    description ??= describedAs(current);
  }
}

function literalOf(value: unknown): string {
  return JSON.stringify(value);
}

/** A short, human type name for a schema that is not walked into. */
export function typeName(schema: Schema): string {
  const core = unwrap(schema).core;
  const def = defOf(core);
  switch (def.type) {
    case "string":
      return def.format !== undefined && def.format !== "string" ? `string (${def.format})` : "string";
    case "number": {
      // zod 4 classic exposes the checks' bounds on the schema object.
      const { isInt, minValue, maxValue } = core as { isInt?: boolean; minValue?: number | null; maxValue?: number | null };
      const base = isInt === true ? "integer" : "number";
      const bound = (n: number | null | undefined) => (typeof n === "number" && Math.abs(n) < 1e15 ? n : undefined);
      const [lo, hi] = [bound(minValue), bound(maxValue)];
      if (lo !== undefined && hi !== undefined) return `${base} ${lo}..${hi}`;
      if (lo !== undefined) return `${base} ≥ ${lo}`;
      if (hi !== undefined) return `${base} ≤ ${hi}`;
      return base;
    }
    case "boolean":
      return "boolean";
    case "literal":
      return (def.values ?? []).map(literalOf).join(" \\| ");
    case "enum":
      return Object.values(def.entries ?? {})
        .map(literalOf)
        .join(" \\| ");
    case "union":
      return (def.options ?? []).map(typeName).join(" \\| ");
    case "array":
      return `list of ${def.element ? typeName(def.element) : "any"}`;
    case "record":
      return `map of string → ${def.valueType ? typeName(def.valueType) : "any"}`;
    case "object":
      return "object";
    case "unknown":
    case "any":
      return "any";
    default:
      return def.type;
  }
}

function isObject(schema: Schema): boolean {
  return defOf(unwrap(schema).core).type === "object";
}

function isDiscriminatedUnion(schema: Schema): boolean {
  const def = defOf(unwrap(schema).core);
  return def.type === "union" && def.discriminator !== undefined && (def.options ?? []).every(isObject);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Every key below `schema`, depth first in declaration order. */
export function configKeys(schema: Schema, options: WalkOptions = {}): ConfigKey[] {
  const byPath = new Map<string, ConfigKey>();
  const add = (key: ConfigKey) => {
    const existing = byPath.get(key.path);
    if (existing === undefined) {
      byPath.set(key.path, key);
      return;
    }
    // The same key in several variants of a union: one row, every variant's type.
    const types = [...new Set([...existing.type.split(" \\| "), ...key.type.split(" \\| ")])];
    byPath.set(key.path, { ...existing, type: types.join(" \\| ") });
  };

  const walk = (node: Schema, path: string, presence?: string): void => {
    const { core, default: fallback, description } = unwrap(node);
    const def = defOf(core);
    const row = (type: string) => {
      if (path !== "") add({ path, type, default: presence ?? fallback, ...(description !== undefined ? { description } : {}) });
    };
    if (def.type === "object" && def.shape !== undefined) {
      row("object");
      for (const [key, child] of Object.entries(def.shape)) walk(child, join(path, key));
    } else if (isDiscriminatedUnion(core)) {
      row(
        `object, one of ${def.discriminator}: ${(def.options ?? []).map((o) => typeName(defOf(unwrap(o).core).shape?.[def.discriminator ?? ""] ?? o)).join(" \\| ")}`,
      );
      for (const option of def.options ?? []) {
        for (const [key, child] of Object.entries(defOf(unwrap(option).core).shape ?? {})) walk(child, join(path, key));
      }
    } else if (def.type === "record" && def.valueType !== undefined && (isObject(def.valueType) || isDiscriminatedUnion(def.valueType))) {
      const placeholder = options.placeholders?.[path] ?? "<key>";
      row(`map of ${placeholder} → object`);
      walk(def.valueType, join(path, placeholder), "—");
    } else if (def.type === "array" && def.element !== undefined && isObject(def.element)) {
      row("list of objects");
      walk(def.element, `${path}[]`, "—");
    } else {
      row(typeName(core));
    }
  };
  walk(schema, "");
  return [...byPath.values()];
}
