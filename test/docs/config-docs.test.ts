import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { checksBlock, CONFIG_DOC, sectionsWithExamples } from "../../scripts/config-docs";
import { cellsOf, disagreements, regenerate, renderSection, type DocSection } from "../../scripts/lib/config-docs";
import { configKeys } from "../../scripts/lib/config-reference";
import { CONFIG_CHECKS } from "../../components/validation/checks";

const FIX = "run `npm run docs:config` (npx tsx scripts/config-docs.ts), then describe any new key in docs/config.md";

describe("docs/config.md", () => {
  const document = readFileSync(CONFIG_DOC, "utf8");
  const sections = sectionsWithExamples();

  it("documents exactly the keys of the zod schema, with their types, defaults and a description each", () => {
    const problems = disagreements(document, sections);
    assert.deepEqual(problems, [], `docs/config.md disagrees with the schema; ${FIX}:\n  ${problems.join("\n  ")}`);
  });

  it("reports a key of the real document whose description is blanked", () => {
    const row = document.split("\n").find((l) => l.startsWith("| `resources.requests.cpu` |"));
    assert.ok(row !== undefined && !row.trim().endsWith("|  |"), "docs/config.md should describe resources.requests.cpu");
    const [key, type, fallback, example] = cellsOf(row);
    const blanked = document.replace(row, `| ${key} | ${type} | ${fallback} | ${example} |  |`);
    assert.notEqual(blanked, document);
    assert.deepEqual(disagreements(blanked, sections), ["docs/config.md: `resources.requests.cpu` has no description"]);
  });

  it('lists what every registered config check refuses, in "What is refused"', () => {
    const block = /<!-- config-checks:begin -->\n([\s\S]*?)<!-- config-checks:end -->/.exec(document)?.[1];
    assert.ok(block !== undefined, "docs/config.md has no config-checks block");
    const expected = CONFIG_CHECKS.map((check) => `- **${check.id}** refuses ${check.refuses}.`).join("\n");
    assert.equal(block.trimEnd(), expected, FIX);
    assert.equal(checksBlock(), expected);
  });

  it("describes every stack key and every top-level instance key", () => {
    const undescribed = sections.flatMap((section) =>
      section.keys
        .filter((key) => section.id === "stack" || !/[.[]/.test(key.path))
        .filter((key) => {
          const line = document.split("\n").find((l) => l.startsWith(`| \`${key.path}\` |`));
          return line === undefined || line.trim().endsWith("|  |");
        })
        .map((key) => `${section.id}: ${key.path}`),
    );
    assert.deepEqual(undescribed, [], "write a Description for these keys in docs/config.md");
  });
});

describe("config docs generator", () => {
  const schema = z
    .object({
      name: z.string().min(1),
      size: z.number().int().min(1).max(10).default(3),
      mode: z.enum(["a", "b"]).optional(),
      store: z
        .discriminatedUnion("kind", [
          z.object({ kind: z.literal("x"), url: z.url() }).strict(),
          z.object({ kind: z.literal("y"), path: z.string() }).strict(),
        ])
        .optional(),
      items: z.array(z.object({ id: z.string() }).strict()).default([]),
      byName: z.record(z.string(), z.object({ on: z.boolean().default(true) }).strict()).default({}),
      tags: z.record(z.string(), z.string()).default({}),
    })
    .strict();
  const section = (s: z.core.$ZodType): DocSection => ({ id: "t", keys: configKeys(s, { placeholders: { byName: "<name>" } }) });
  const wrap = (table: string) => `# T\n\n${table}\n`;
  /** A table with every empty Description cell filled in, as a maintained document has. */
  const describeAll = (table: string) => table.replace(/\| {2}\|$/gm, "| Described. |");

  it("walks objects, unions, lists and maps, with types and defaults", () => {
    const keys = Object.fromEntries(
      configKeys(schema, { placeholders: { byName: "<name>" } }).map((k) => [k.path, `${k.type} = ${k.default}`]),
    );
    assert.deepEqual(keys, {
      name: "string = required",
      size: "integer 1..10 = 3",
      mode: '"a" \\| "b" = unset',
      store: 'object, one of kind: "x" \\| "y" = unset',
      "store.kind": '"x" \\| "y" = required',
      "store.url": "string (url) = required",
      "store.path": "string = required",
      items: "list of objects = []",
      "items[]": "object = —",
      "items[].id": "string = required",
      byName: "map of <name> → object = {}",
      "byName.<name>": "object = —",
      "byName.<name>.on": "boolean = true",
      tags: "map of string → string = {}",
    });
  });

  it("reports a key added to the schema, a key removed from it, and a changed default", () => {
    const documented = wrap(describeAll(renderSection(section(schema))));
    assert.deepEqual(disagreements(documented, [section(schema)]), []);
    const grown = schema.extend({ extra: z.boolean().default(false) });
    assert.deepEqual(disagreements(documented, [section(grown)]), ["t: extra is in the schema but not documented"]);
    const shrunk = schema.omit({ tags: true });
    assert.deepEqual(disagreements(documented, [section(shrunk)]), ["t: tags is documented but not in the schema"]);
    const changed = schema.extend({ size: z.number().int().min(1).max(10).default(5) });
    assert.deepEqual(disagreements(documented, [section(changed)]), ["t: size is documented with default 3, the schema says 5"]);
  });

  it("reports a documented key without a description", () => {
    const documented = wrap(describeAll(renderSection(section(schema))));
    assert.deepEqual(disagreements(documented, [section(schema)]), []);
    const blanked = documented.replace("| `size` | integer 1..10 | `3` | `3` | Described. |", "| `size` | integer 1..10 | `3` | `3` |  |");
    assert.notEqual(blanked, documented);
    assert.deepEqual(disagreements(blanked, [section(schema)]), ["docs/config.md: `size` has no description"]);
    const small = section(schema.pick({ name: true, tags: true }));
    assert.deepEqual(disagreements(wrap(renderSection(small)), [small]), [
      "docs/config.md: `name` has no description",
      "docs/config.md: `tags` has no description",
    ]);
  });

  it("keeps hand-written examples and descriptions when it regenerates, and takes .describe() from the schema", () => {
    const first = wrap(renderSection(section(schema))).replace(
      "| `name` | string | `required` |  |  |",
      "| `name` | string | `required` | `bot` | The instance name \\| or alias. |",
    );
    const described = schema.extend({ mode: z.enum(["a", "b"]).optional().describe("How it runs.") });
    const next = regenerate(first, [section(described)]);
    assert.ok(next.includes("| `name` | string | `required` | `bot` | The instance name \\| or alias. |"), next);
    assert.ok(next.includes("| How it runs. |"), next);
  });

  it("refuses a document without the section markers", () => {
    assert.throws(() => regenerate("# nothing here\n", [section(schema)]), /no <!-- config-docs:t:begin -->/);
    assert.deepEqual(disagreements("# nothing here\n", [section(schema)]), [
      "the t table is missing (markers <!-- config-docs:t:begin --> … <!-- config-docs:t:end -->)",
    ]);
  });
});
