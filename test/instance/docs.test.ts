import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { documentedDefault, instanceOptions } from "./schema-options";

const DOC = join(__dirname, "..", "..", "docs", "instance.md");

/** Rows of the option tables: `| \`path\` | default | operator equivalent | notes |`. */
function documentedRows(): { path: string; default: string; operator: string }[] {
  return readFileSync(DOC, "utf8")
    .split("\n")
    .map((line) => /^\| `([^`]+)` \| ([^|]*) \| ([^|]*) \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: m[1] ?? "", default: (m[2] ?? "").trim(), operator: (m[3] ?? "").trim() }));
}

describe("docs/instance.md", () => {
  const rows = documentedRows();
  const options = instanceOptions();

  it("finds the option tables and the schema's options", () => {
    assert.ok(rows.length > 100, `only ${rows.length} rows`);
    assert.ok(options.length > 100, `only ${options.length} options`);
  });

  it("lists every option of the schema, once, and nothing else", () => {
    const documented = rows.map((r) => r.path);
    const duplicates = documented.filter((p, i) => documented.indexOf(p) !== i);
    assert.deepEqual(duplicates, [], "documented twice");
    const inSchema = new Set(options.map((o) => o.path));
    const inDocs = new Set(documented);
    assert.deepEqual(
      options.map((o) => o.path).filter((p) => !inDocs.has(p)),
      [],
      "options missing from docs/instance.md",
    );
    assert.deepEqual(
      documented.filter((p) => !inSchema.has(p)),
      [],
      "docs/instance.md lists options the schema does not have",
    );
  });

  it("states each default as the schema applies it", () => {
    for (const row of rows) {
      const expected = documentedDefault(row.path);
      if (expected !== "—") assert.equal(row.default, expected, `default of ${row.path}`);
    }
  });

  it("names an operator equivalent (or says there is none) for every option", () => {
    for (const row of rows)
      assert.ok(
        row.operator.startsWith("`spec.") || row.operator.startsWith("—"),
        `${row.path}: operator column is ${JSON.stringify(row.operator)}`,
      );
  });
});
