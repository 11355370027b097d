import type { core } from "zod";
import { movedKeyMessage } from "./moved-keys";
import { closestMatch } from "./validators";

/** One thing wrong with a stack config: where it is, and what would fix it. */
export interface ConfigProblem {
  /** Dotted path below the project namespace, e.g. `tenants.acme.instances.bot.image.tag`. */
  readonly path: string;
  readonly message: string;
  /** The config namespace of the key, when it is not the project's (e.g. a misspelt `openclaw-flet`). */
  readonly namespace?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly namespace: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the stack config; nothing was deployed:\n` +
        problems.map((p) => `  ${formatProblem(namespace, p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(namespace: string, problem: ConfigProblem): string {
  return `${problem.namespace ?? namespace}:${problem.path}: ${problem.message}`;
}

export function joinPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Turns zod issues into problems with full paths and messages that say how to
 * fix the value. `allowedKeys` resolves the keys a strict object accepts at a
 * path, so that a misspelt key gets a "did you mean" hint.
 */
export function problemsFromIssues(
  issues: readonly core.$ZodIssue[],
  base: readonly PropertyKey[],
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const allowed = allowedKeys(issue.path);
          const hint = closestMatch(key, allowed);
          problems.push({
            path: joinPath([...path, key]),
            message:
              movedKeyMessage(path, key) ??
              (hint ? `unknown key; did you mean "${hint}"?` : `unknown key; remove it (allowed here: ${allowed.join(", ") || "none"})`),
          });
        }
        break;
      case "invalid_type":
        problems.push({
          path: joinPath(path),
          message: !issue.message.startsWith("Invalid input")
            ? issue.message
            : issue.input === undefined
              ? `is required (expected ${issue.expected})`
              : `expected ${issue.expected}, got ${describe(issue.input)}`,
        });
        break;
      case "invalid_value":
        problems.push({
          path: joinPath(path),
          message: `${JSON.stringify(issue.input)} is not allowed; use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        });
        break;
      case "invalid_key":
        // zod puts the offending key at the end of the path already.
        problems.push({ path: joinPath(path), message: issue.issues.map((inner) => inner.message).join("; ") });
        break;
      case "invalid_union":
        if (issue.discriminator !== undefined) {
          const options = "options" in issue && issue.options ? issue.options.map((o) => JSON.stringify(o)).join(", ") : "";
          problems.push({ path: joinPath([...path, issue.discriminator]), message: `is missing or unknown; use one of ${options}` });
        } else {
          problems.push({ path: joinPath(path), message: issue.message });
        }
        break;
      case "too_small":
        problems.push({
          path: joinPath(path),
          message:
            issue.origin === "array"
              ? `needs at least ${issue.minimum} item(s)`
              : issue.message.startsWith("Too small")
                ? `must be at least ${issue.minimum}`
                : issue.message,
        });
        break;
      case "too_big":
        problems.push({
          path: joinPath(path),
          message:
            issue.origin === "array"
              ? `allows at most ${issue.maximum} item(s)`
              : issue.message.startsWith("Too big")
                ? `must be at most ${issue.maximum}`
                : issue.message,
        });
        break;
      default:
        problems.push({ path: joinPath(path), message: issue.message });
    }
  }
  return problems;
}
