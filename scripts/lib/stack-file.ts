import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { RawStackConfig } from "../../components/config/load";

/** What stands in for an encrypted config value when rendering without the stack's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces every `{ secure: … }` with a placeholder; returns whether any was found. */
function stripSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(stripSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const inner = stripSecure(v);
      out[k] = inner.value;
      secret ||= inner.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/**
 * Reads a `Pulumi.<stack>.yaml` as Pulumi would hand it to the program, except
 * that encrypted values (which need the stack's secrets provider) become
 * placeholders. Keys of other namespaces (`aws:region`, …) are ignored.
 */
export function readStackFile(path: string, namespace: string): RawStackConfig {
  const doc = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(doc?.config ?? {})) {
    const [ns, ...rest] = fullKey.split(":");
    // Pulumi accepts an unqualified key as belonging to the project.
    const key = rest.length === 0 ? ns : rest.join(":");
    if (rest.length > 0 && ns !== namespace) continue;
    const stripped = stripSecure(value);
    values[key] = stripped.value;
    if (stripped.secret) secretKeys.add(key);
  }
  return { namespace, values, secretKeys };
}
