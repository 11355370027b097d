import type { z } from "zod";
import { passthroughTypeOf } from "../../components/config/instance/kubernetes";
import { instanceSchema } from "../../components/config/instance-schema";

type AnySchema = z.core.$ZodType;
type Def = { type: string; innerType?: AnySchema; in?: AnySchema; shape?: Record<string, AnySchema>; element?: AnySchema };

/** One documented option: its path (`[]` marks list items) and, for Kubernetes pass-through types, the type name. */
export interface SchemaOption {
  readonly path: string;
  readonly kubernetesType?: string;
}

function unwrap(schema: AnySchema): { schema: AnySchema; kubernetesType?: string } {
  let current = schema;
  for (;;) {
    const kubernetesType = passthroughTypeOf(current);
    if (kubernetesType !== undefined) return { schema: current, kubernetesType };
    const def = current._zod.def as Def;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) current = def.in;
    else return { schema: current };
  }
}

function walk(schema: AnySchema, prefix: string, out: SchemaOption[]): void {
  const { schema: inner, kubernetesType } = unwrap(schema);
  const def = inner._zod.def as Def;
  if (kubernetesType === undefined && def.type === "object" && def.shape !== undefined) {
    for (const [key, child] of Object.entries(def.shape)) walk(child, prefix === "" ? key : `${prefix}.${key}`, out);
    return;
  }
  if (kubernetesType === undefined && def.type === "array" && def.element !== undefined) {
    const element = unwrap(def.element);
    const elementDef = element.schema._zod.def as Def;
    if (element.kubernetesType === undefined && elementDef.type === "object") {
      walk(def.element, `${prefix}[]`, out);
      return;
    }
    out.push({ path: prefix, kubernetesType: element.kubernetesType === undefined ? undefined : `[]${element.kubernetesType}` });
    return;
  }
  out.push({ path: prefix, kubernetesType });
}

/** Every option of an instance, in schema order. The `backup` block is documented with backups, not here. */
export function instanceOptions(): SchemaOption[] {
  const out: SchemaOption[] = [];
  walk(instanceSchema, "", out);
  return out.filter((o) => o.path !== "backup" && !o.path.startsWith("backup."));
}

/** The default of an option as docs/instance.md writes it, or "—" when it has none (or sits in a list). */
export function documentedDefault(path: string): string {
  if (path.includes("[]")) return "—";
  const value = path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      instanceSchema.parse({}),
    );
  if (value === undefined) return "—";
  if (Array.isArray(value) && value.length === 0) return "`[]`";
  if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return "`{}`";
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}
