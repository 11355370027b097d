/**
 * Reads a `Pulumi.<stack>.yaml` as Pulumi would hand it to the program, with
 * what only the file knows: which leaves are encrypted (`secure:`) and which
 * are plain, and the keys of other config namespaces. A YAML mistake is one
 * clear error with file, line and column.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { RawStackConfig } from "./raw-config";
import { isPlainObject } from "./merge";
import { joinPath } from "./problems";

/** What stands in for an encrypted config value when rendering without the stack's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

/** A stack file that is not valid YAML, or not a stack file: every mistake with its line and column. */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    readonly mistakes: readonly string[],
  ) {
    super(`${file} is not a valid stack file; nothing was deployed:\n${mistakes.map((m) => `  ${m}`).join("\n")}`);
    this.name = "StackFileError";
  }
}

function isSecure(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && "secure" in value;
}

interface Leaves {
  readonly secure: Set<string>;
  readonly plain: Set<string>;
}

/** Replaces every `{ secure: … }` with a placeholder, recording each leaf as secure or plain. */
function stripSecure(value: unknown, path: PropertyKey[], leaves: Leaves): unknown {
  if (isSecure(value)) {
    leaves.secure.add(joinPath(path));
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item, i) => stripSecure(item, [...path, i], leaves));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecure(v, [...path, k], leaves)]));
  leaves.plain.add(joinPath(path));
  return value;
}

/** Parses the text of a stack file; `file` names it in errors. Keys of other namespaces are listed, not read. */
export function parseStackFile(text: string, file: string, namespace: string): RawStackConfig {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new StackFileError(
      file,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = at === undefined ? file : `${file}:${at.line}:${at.col}`;
        const [firstLine = ""] = error.message.split("\n");
        return `${where}: ${firstLine.replace(/ at line \d+, column \d+:?$/, "")}`;
      }),
    );
  }
  const doc: unknown = document.toJS();
  if (doc !== null && doc !== undefined && !isPlainObject(doc))
    throw new StackFileError(file, [`${file}: expected a map with a \`config:\` key, got ${Array.isArray(doc) ? "a list" : typeof doc}`]);
  const config = isPlainObject(doc) ? doc.config : undefined;
  if (config !== undefined && config !== null && !isPlainObject(config))
    throw new StackFileError(file, [`${file}: \`config:\` must be a map of keys such as ${namespace}:tenants`]);
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const foreignKeys: string[] = [];
  const leaves: Leaves = { secure: new Set(), plain: new Set() };
  for (const [fullKey, value] of Object.entries(config ?? {})) {
    const colon = fullKey.indexOf(":");
    // Pulumi accepts an unqualified key as belonging to the project.
    const ns = colon < 0 ? namespace : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    if (ns !== namespace) {
      foreignKeys.push(fullKey);
      continue;
    }
    const before = leaves.secure.size;
    values[key] = stripSecure(value, [key], leaves);
    if (leaves.secure.size > before) secretKeys.add(key);
  }
  return { namespace, values, secretKeys, foreignKeys, leafSecrecy: leaves };
}

export function readStackFile(path: string, namespace: string): RawStackConfig {
  return parseStackFile(readFileSync(path, "utf8"), path, namespace);
}

/** The stack file Pulumi reads for `stack` in the project at `projectDir` (honouring `stackConfigDir`), if it exists. */
export function locateStackFile(projectDir: string, stack: string): string | undefined {
  const projectFile = join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) return undefined;
  let dir = ".";
  try {
    const project: unknown = parseDocument(readFileSync(projectFile, "utf8")).toJS();
    if (isPlainObject(project) && typeof project.stackConfigDir === "string") dir = project.stackConfigDir;
  } catch {
    return undefined;
  }
  // An organization-qualified stack (`org/project/dev`) keeps its last part in the file name.
  const file = resolve(projectDir, dir, `Pulumi.${stack.split("/").pop() ?? stack}.yaml`);
  return existsSync(file) ? file : undefined;
}
