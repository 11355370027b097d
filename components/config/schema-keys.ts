import type { z } from "zod";

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) current = def.in;
    else return current;
  }
}

function children(schema: AnySchema): AnySchema[] {
  const s = unwrap(schema);
  const def = s._zod.def as { type: string; options?: AnySchema[] };
  return def.type === "union" && def.options ? def.options.flatMap(children) : [s];
}

/**
 * The keys that the object schema(s) at `path` accept: used for "did you
 * mean" hints on misspelt config keys.
 */
export function keysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let level = children(schema);
  for (const segment of path) {
    const next: AnySchema[] = [];
    for (const candidate of level) {
      const def = candidate._zod.def as {
        type: string;
        shape?: Record<string, AnySchema>;
        valueType?: AnySchema;
        element?: AnySchema;
      };
      if (def.type === "object" && def.shape && typeof segment === "string" && segment in def.shape) {
        const field = def.shape[segment];
        if (field !== undefined) next.push(...children(field));
      } else if (def.type === "record" && def.valueType) {
        next.push(...children(def.valueType));
      } else if (def.type === "array" && def.element) {
        next.push(...children(def.element));
      }
    }
    level = next;
  }
  const keys = new Set<string>();
  for (const candidate of level) {
    const def = candidate._zod.def as { type: string; shape?: Record<string, AnySchema> };
    if (def.type === "object" && def.shape) Object.keys(def.shape).forEach((k) => keys.add(k));
  }
  return [...keys].sort();
}
