/**
 * docs/config.md = hand-written prose + generated key tables. The tables sit
 * between `<!-- config-docs:<section>:begin/end -->` markers; the generator
 * rewrites them from the schema (key, type, default) and keeps the Example
 * and Description cells people wrote, so the docs cannot drift from the
 * schema and regenerating them loses nothing.
 */
import { instanceSchema, stackSchema } from "../../components/config/stack-schema";
import { configKeys, type ConfigKey } from "./config-reference";

export interface DocSection {
  readonly id: string;
  readonly keys: readonly ConfigKey[];
  /** Examples read from the example stacks, by key path (see `stackExamples`). */
  readonly examples?: ReadonlyMap<string, string>;
}

/** The sections of docs/config.md, walked from the current schemas. */
export function configSections(examples: ReadonlyMap<string, string> = new Map()): DocSection[] {
  return [
    {
      id: "stack",
      keys: configKeys(stackSchema, { placeholders: { tenants: "<tenant>", "platform.tenants": "<tenant>", secrets: "<name>" } }),
      examples,
    },
    { id: "instance", keys: configKeys(instanceSchema), examples },
  ];
}

export interface DocRow {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly example: string;
  readonly description: string;
}

const HEADER = ["| Key | Type | Default | Example | Description |", "| --- | --- | --- | --- | --- |"];
const marker = (id: string, edge: "begin" | "end") => `<!-- config-docs:${id}:${edge} -->`;

const code = (text: string) => (text === "" || text === "—" ? text : `\`${text.replace(/`/g, "'")}\``);
const uncode = (cell: string) => cell.replace(/^`(.*)`$/, "$1");
// Placeholders such as <tenant> would be read as HTML tags outside code spans.
const escapeHtml = (text: string) => text.replace(/</g, "&lt;").replace(/>/g, "&gt;");
const unescapeHtml = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** Splits a table row into cells; `\|` inside a cell is not a separator. */
export function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The rows of one generated table in a document, by key path. */
export function parseSection(document: string, id: string): Map<string, DocRow> | undefined {
  const begin = document.indexOf(marker(id, "begin"));
  const end = document.indexOf(marker(id, "end"));
  if (begin < 0 || end < begin) return undefined;
  const rows = new Map<string, DocRow>();
  for (const line of document.slice(begin, end).split("\n")) {
    if (!line.startsWith("| `")) continue;
    const [key, type, fallback, example, description] = cellsOf(line);
    if (key === undefined || type === undefined || fallback === undefined)
      throw new Error(`section ${id}: row has no key, type and default cells: ${line}`);
    const path = uncode(key);
    rows.set(path, { path, type: unescapeHtml(type), default: uncode(fallback), example: example ?? "", description: description ?? "" });
  }
  return rows;
}

function exampleFor(key: ConfigKey, section: DocSection, previous: DocRow | undefined): string {
  if (previous !== undefined && previous.example !== "") return previous.example;
  const fromStacks = section.examples?.get(key.path);
  if (fromStacks !== undefined) return code(fromStacks);
  if (key.type === "object" || key.type.startsWith("object,") || key.type.startsWith("map of <") || key.type === "list of objects")
    return "—";
  if (!["required", "unset", "{}", "[]", "—"].includes(key.default)) return code(key.default);
  const literal = /^(".*?"|true|false|\d+)( \\\||$)/.exec(key.type)?.[1];
  if (literal !== undefined) return code(literal);
  if (key.type === "boolean") return "`true`";
  return "";
}

/** The generated table of one section, keeping hand-written cells from `previous`. */
export function renderSection(section: DocSection, previous: ReadonlyMap<string, DocRow> = new Map()): string {
  const lines = section.keys.map((key) => {
    const old = previous.get(key.path);
    const description = key.description ?? old?.description ?? "";
    return `| ${code(key.path)} | ${escapeHtml(key.type)} | ${code(key.default)} | ${exampleFor(key, section, old)} | ${description} |`;
  });
  return [marker(section.id, "begin"), ...HEADER, ...lines, marker(section.id, "end")].join("\n");
}

/** The document with every section's table regenerated. Throws when a section's markers are missing. */
export function regenerate(document: string, sections: readonly DocSection[]): string {
  let out = document;
  for (const section of sections) {
    const begin = out.indexOf(marker(section.id, "begin"));
    const endMarker = marker(section.id, "end");
    const end = out.indexOf(endMarker);
    if (begin < 0 || end < begin) throw new Error(`docs/config.md has no ${marker(section.id, "begin")} … ${endMarker} block`);
    out = `${out.slice(0, begin)}${renderSection(section, parseSection(out, section.id))}${out.slice(end + endMarker.length)}`;
  }
  return out;
}

/**
 * Where a document and the schema disagree, or a documented key has no
 * Description, one line per problem, worded as what to do.
 */
export function disagreements(document: string, sections: readonly DocSection[]): string[] {
  const problems: string[] = [];
  for (const section of sections) {
    const rows = parseSection(document, section.id);
    if (rows === undefined) {
      problems.push(`the ${section.id} table is missing (markers ${marker(section.id, "begin")} … ${marker(section.id, "end")})`);
      continue;
    }
    const schemaKeys = new Map(section.keys.map((k) => [k.path, k]));
    for (const key of section.keys) {
      const row = rows.get(key.path);
      if (row === undefined) problems.push(`${section.id}: ${key.path} is in the schema but not documented`);
      else {
        if (row.type !== key.type)
          problems.push(`${section.id}: ${key.path} is documented as type "${row.type}", the schema says "${key.type}"`);
        if (row.default !== key.default)
          problems.push(`${section.id}: ${key.path} is documented with default ${row.default}, the schema says ${key.default}`);
        if (row.description.trim() === "") problems.push(`docs/config.md: \`${key.path}\` has no description`);
      }
    }
    for (const path of rows.keys()) if (!schemaKeys.has(path)) problems.push(`${section.id}: ${path} is documented but not in the schema`);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function showValue(value: unknown): string | undefined {
  if (typeof value === "string") return value.length <= 80 ? value : undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = JSON.stringify(value);
  return text.length <= 80 ? text : undefined;
}

/**
 * Real values for the docs' Example column, read from the example stacks:
 * `path → value` for every leaf whose path (map keys replaced by their
 * placeholders) is a key of the section. The stack section reads each
 * stack's top level, the instance section `defaults` and every instance.
 * Secret values are never read.
 */
export function stackExamples(
  stacks: readonly Readonly<Record<string, unknown>>[],
  section: Pick<DocSection, "id" | "keys">,
): Map<string, string> {
  const keys = new Set(section.keys.map((k) => k.path));
  const placeholderUnder = (path: string) =>
    [...keys].find((k) => k.startsWith(path === "" ? "<" : `${path}.<`) && !k.slice(path === "" ? 0 : path.length + 1).includes("."));
  const examples = new Map<string, string>();
  const record = (path: string, value: unknown) => {
    const shown = showValue(value);
    if (shown !== undefined && !examples.has(path)) examples.set(path, shown);
  };
  const visit = (value: unknown, path: string): void => {
    if (!isRecord(value)) {
      if (keys.has(path)) record(path, value);
      return;
    }
    const placeholder = placeholderUnder(path);
    let matched = false;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === "" ? (placeholder ?? key) : `${path}.${placeholder?.slice(path.length + 1) ?? key}`;
      if (keys.has(childPath)) {
        matched = true;
        visit(child, childPath);
      }
    }
    if (!matched && keys.has(path)) record(path, value);
  };
  for (const values of stacks) {
    if (section.id === "stack") {
      const { secrets: _secrets, ...rest } = values;
      visit(rest, "");
      continue;
    }
    const tenants = isRecord(values.tenants) ? Object.values(values.tenants) : [];
    const instances = tenants.flatMap((t) => (isRecord(t) && isRecord(t.instances) ? Object.values(t.instances) : []));
    for (const instance of [values.defaults, ...instances]) visit(instance, "");
  }
  return examples;
}
