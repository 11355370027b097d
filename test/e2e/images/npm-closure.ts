/**
 * Which folders of the project's node_modules a package needs at run time:
 * its dependencies, optional and peer dependencies (when installed), and
 * theirs, resolved the way Node resolves them (the nearest node_modules up
 * the tree). Only the top-level folders are returned; each is copied whole,
 * nested node_modules included, so whatever resolved inside it still does.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** The folder `name` resolves to from the package in `from`, or undefined (an optional one not installed). */
function resolvePackage(from: string, name: string, root: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/**
 * The top-level package folders (`<root>/node_modules/<name>` or `@scope/name`) that `pkg`
 * depends on, transitively, sorted; `pkg` itself is not among them.
 */
export function dependencyClosure(root: string, pkg: string): string[] {
  const start = join(root, "node_modules", pkg);
  const seen = new Set<string>([start]);
  const queue = [start];
  const missing: string[] = [];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const m = manifest(dir);
    const required = Object.keys(m.dependencies ?? {});
    const optional = [...Object.keys(m.optionalDependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})];
    for (const [name, isOptional] of [...required.map((n) => [n, false] as const), ...optional.map((n) => [n, true] as const)]) {
      const found = resolvePackage(dir, name, root);
      if (found === undefined) {
        if (!isOptional) missing.push(`${name} (needed by ${relative(root, dir)})`);
        continue;
      }
      if (!seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  if (missing.length > 0) throw new Error(`node_modules lacks ${missing.join(", ")}: run npm ci`);
  const top = new Set<string>();
  for (const dir of seen) {
    const [scopeOrName = "", scoped] = relative(join(root, "node_modules"), dir).split(sep);
    const name = scopeOrName.startsWith("@") ? `${scopeOrName}/${scoped}` : scopeOrName;
    if (name !== pkg) top.add(name);
  }
  return [...top].sort();
}
