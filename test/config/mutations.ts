/**
 * Random one-step mutations of a stack config, the kind of mistake a person makes by hand:
 * a key deleted or misspelt, a value of the wrong type or out of range, a name duplicated.
 * Each mutation is a pure function of small numbers, so fast-check can shrink a failure to
 * the smallest one.
 */
import { isPlainObject } from "../../components/config/merge";

export type Path = readonly (string | number)[];
export const MUTATIONS = ["delete", "rename", "retype", "outOfRange", "duplicate"] as const;
export type MutationKind = (typeof MUTATIONS)[number];

export interface Mutation {
  readonly kind: MutationKind;
  /** Which path of the config (modulo the number of paths). */
  readonly pick: number;
  /** Which variant of the mutation (modulo the number of variants). */
  readonly variant: number;
}

/** Every path of a JSON tree, parents before children. */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : isPlainObject(value) ? Object.entries(value) : [];
  return [...(at.length > 0 ? [at] : []), ...children.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

const RETYPED: readonly unknown[] = [null, 0, 1, -1, "", "x", true, false, [], {}, ["x"], { x: 1 }, 1.5];
const OUT_OF_RANGE_NUMBERS: readonly number[] = [-1, 0, 65536, 1e9, 0.5, -0.001, Number.MAX_SAFE_INTEGER];
const OUT_OF_RANGE_STRINGS: readonly string[] = [
  "",
  " ",
  "-1Gi",
  "0",
  "0m",
  "lots",
  "UPPER",
  "with space",
  "a..b",
  "x".repeat(300),
  "1e99",
  "/",
  "-",
  "ünïcode",
  "latest",
  "a:b:c",
  "../x",
  "http://",
  "a_b",
];

function typo(key: string, variant: number): string {
  if (key.length < 2) return `${key}x`;
  const i = variant % (key.length - 1);
  switch (Math.floor(variant / (key.length - 1)) % 4) {
    case 0:
      return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2); // swapped letters
    case 1:
      return key.slice(0, i) + key.slice(i + 1); // dropped letter
    case 2:
      return key.slice(0, i) + key[i] + key.slice(i); // doubled letter
    default:
      return key.toUpperCase() === key ? key.toLowerCase() : key.charAt(0).toUpperCase() + key.slice(1);
  }
}

function parentOf(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path.slice(0, -1)) current = (current as Record<string | number, unknown>)[segment];
  return current;
}

/** Applies one mutation to a deep copy of `values`; returns the copy and what was done. */
export function mutate(values: Record<string, unknown>, mutation: Mutation): { values: Record<string, unknown>; description: string } {
  const copy = structuredClone(values);
  const paths = pathsOf(copy);
  const path = paths[mutation.pick % paths.length];
  const key = path?.at(-1);
  if (path === undefined || key === undefined) throw new Error("mutate: the values have no leaf to mutate");
  const parent = parentOf(copy, path) as Record<string | number, unknown> | unknown[];
  const current = (parent as Record<string | number, unknown>)[key];
  const where = path.join(".");
  const v = mutation.variant;
  switch (mutation.kind) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return { values: copy, description: `delete ${where}` };
    case "rename": {
      if (Array.isArray(parent) || typeof key !== "string") return mutate(values, { ...mutation, kind: "retype" });
      const renamed = typo(key, v);
      delete parent[key];
      parent[renamed] = current;
      return { values: copy, description: `rename ${where} to ${renamed}` };
    }
    case "retype": {
      const value = RETYPED[v % RETYPED.length];
      (parent as Record<string | number, unknown>)[key] = structuredClone(value);
      return { values: copy, description: `set ${where} to ${JSON.stringify(value)}` };
    }
    case "outOfRange": {
      const value =
        typeof current === "number"
          ? OUT_OF_RANGE_NUMBERS[v % OUT_OF_RANGE_NUMBERS.length]
          : OUT_OF_RANGE_STRINGS[v % OUT_OF_RANGE_STRINGS.length];
      (parent as Record<string | number, unknown>)[key] = value;
      return { values: copy, description: `set ${where} to ${JSON.stringify(value)}` };
    }
    case "duplicate": {
      if (Array.isArray(parent)) {
        parent.push(structuredClone(current));
        return { values: copy, description: `duplicate ${where}` };
      }
      // A second map entry with the same content: a second tenant or instance with the same settings (its namespace included).
      const twin = `${String(key)}-${["2", "backup", "copy", "config"][v % 4]}`;
      parent[twin] = structuredClone(current);
      return { values: copy, description: `duplicate ${where} as ${twin}` };
    }
  }
}
