import { reveal } from "../../scripts/lib/manifests";
import type { Registration } from "../../scripts/lib/mock-runtime";
import { exampleStackConfig, runProgram } from "../support/stacks";

let dev: Promise<Registration[]> | undefined;

/** The dev example stack's registrations (EKS, AWS store, IRSA): every resource kind the pack checks. */
export function devRegistrations(): Promise<Registration[]> {
  dev ??= runProgram(exampleStackConfig("dev"));
  return dev;
}

export function first(
  registrations: readonly Registration[],
  type: string,
  predicate: (r: Registration) => boolean = () => true,
): Registration {
  const found = registrations.find((r) => r.type === type && predicate(r));
  if (found === undefined) throw new Error(`the fixture has no ${type}${predicate.length > 0 ? " matching the predicate" : ""}`);
  return found;
}

export type Path = readonly (string | number)[];

/** Sets (or, with `undefined`, deletes) the value at `path`, creating objects on the way; `"-"` appends to a list, as in JSON Patch. */
export function setPath(body: unknown, path: Path, value: unknown): void {
  let current = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof current[key] !== "object" || current[key] === null) current[key] = {};
    current = current[key] as Record<string | number, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) throw new Error("setPath needs a non-empty path");
  if (last === "-" && Array.isArray(current)) current.push(value);
  else if (value === undefined) delete current[last];
  else current[last] = value;
}

/**
 * A copy of `r` (inputs and outputs, secrets revealed) with the given
 * `[path, value]` edits applied to both: the "same resource, one thing
 * wrong" that a bad case needs.
 */
export function changed(r: Registration, ...edits: readonly (readonly [Path, unknown])[]): Registration {
  const apply = (body: unknown): Record<string, unknown> => {
    const copy = reveal(body) as Record<string, unknown>;
    for (const [path, value] of edits) setPath(copy, path, value);
    return copy;
  };
  return { ...r, inputs: apply(r.inputs), ...(r.outputs !== undefined ? { outputs: apply(r.outputs) } : {}) };
}

/** `registrations` with `old` swapped for `replacement` (or dropped). */
export function swapped(registrations: readonly Registration[], old: Registration, replacement?: Registration): Registration[] {
  return registrations.flatMap((r) => (r === old ? (replacement === undefined ? [] : [replacement]) : [r]));
}
