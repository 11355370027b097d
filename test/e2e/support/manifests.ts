/**
 * Kubernetes manifests read back from disk (what `pulumi up` wrote with
 * renderYamlToDirectory, or what `npm run render` wrote), keyed by object
 * identity, with secret values masked so that two sources compare.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; [key: string]: unknown };
  readonly [key: string]: unknown;
}

export function manifestKey(m: Manifest): string {
  return `${m.kind} ${m.metadata.namespace ?? "_cluster"}/${m.metadata.name}`;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every object in every YAML file under dir. */
export function readManifests(dir: string): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const file of walk(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const value = doc.toJSON() as Manifest | null;
      if (value === null) continue;
      const key = manifestKey(value);
      if (out.has(key)) throw new Error(`${key} appears twice under ${dir}`);
      out.set(key, value);
    }
  }
  return out;
}

/** A Secret's values replaced by a marker, its keys kept; `stringData` folded into `data` keys. */
export function maskSecretValues(m: Manifest): Manifest {
  if (m.kind !== "Secret") return m;
  const keys = (field: unknown) => (typeof field === "object" && field !== null ? Object.keys(field) : []);
  const masked = Object.fromEntries([...keys(m.data), ...keys(m.stringData)].sort().map((k) => [k, "<masked>"]));
  const { data: _data, stringData: _stringData, ...rest } = m;
  return { ...rest, data: masked };
}
