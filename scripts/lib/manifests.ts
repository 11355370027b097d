import { stringify } from "yaml";
import { SecretValue, type Registration } from "./mock-runtime";

export const REDACTED = "[secret]";

/**
 * Replaces every value inside a secret with a marker, keeping the shape: a
 * secret map (a Secret's `stringData`) keeps its keys, so the manifest stays
 * valid and a reviewer sees which keys change.
 */
export function redact(value: unknown, insideSecret = false): unknown {
  if (value instanceof SecretValue) return redact(value.value, true);
  if (Array.isArray(value)) return value.map((v) => redact(v, insideSecret));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, insideSecret)]));
  }
  return insideSecret ? REDACTED : value;
}

/** Reveals secret values (for validation, never for output). */
export function reveal(value: unknown): unknown {
  if (value instanceof SecretValue) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** True for registrations of Kubernetes objects (not providers, components or other clouds). */
export function isKubernetesObject(r: Registration): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:");
}

export interface KubernetesManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** The object as it would be applied, with secrets redacted. */
export function manifestOf(r: Registration, secrets: "redact" | "reveal" = "redact"): KubernetesManifest {
  const body = (secrets === "redact" ? redact(r.inputs) : reveal(r.inputs)) as KubernetesManifest;
  return body;
}

/** A stable file name: `<namespace or _cluster>/<Kind>-<name>.yaml`. */
export function manifestPath(m: KubernetesManifest): string {
  return `${m.metadata.namespace ?? "_cluster"}/${m.kind}-${m.metadata.name}.yaml`;
}

export function toYaml(value: unknown): string {
  return stringify(value, { sortMapEntries: true, lineWidth: 0 });
}

/** Sorted JSON with stable key order. */
export function toStableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}
