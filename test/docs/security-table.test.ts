import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OWNERSHIP_BEGIN, withOwnershipBlock } from "../../components/config/ownership/docs";
import { ROOT } from "../support/stacks";

/** The threat table of docs/security.md names, per row, a test file and a test (describe or it) title in it. */
describe("docs/security.md threat table", () => {
  const doc = readFileSync(join(ROOT, "docs", "security.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Between instances of a tenant"));
  const rows = section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Who") && !l.startsWith("|---"));

  it("has a row per path of issue 16, and more", () => assert.ok(rows.length >= 15, `${rows.length} rows`));

  for (const row of rows) {
    const cells = row.split(" | ");
    const last = cells.at(-1) ?? "";
    it(`names a test that exists: ${cells[1]?.slice(0, 60)}`, () => {
      const file = /`(test\/[^`]+\.test\.ts)`/.exec(last)?.[1];
      const title = /"(.+)"/.exec(last)?.[1];
      assert.ok(file !== undefined && title !== undefined, `row without a test file and "title": ${row}`);
      assert.ok(existsSync(join(ROOT, file)), `${file} does not exist`);
      const source = readFileSync(join(ROOT, file), "utf8");
      // Table-driven tests are titled `refuses ${what}` from a ["what", …] entry of their table.
      const generated =
        title.startsWith("refuses ") && source.includes("it(`refuses ${what}`") && source.includes(`["${title.slice("refuses ".length)}",`);
      assert.ok(source.includes(title) || generated, `${file} has no test titled "${title}"`);
    });
  }
});

describe("docs/security.md ownership table", () => {
  it("is the one the ownership registry generates (npm run docs:security)", () => {
    const doc = readFileSync(join(ROOT, "docs", "security.md"), "utf8");
    assert.ok(doc.includes(OWNERSHIP_BEGIN), "docs/security.md has no ownership block");
    assert.equal(doc, withOwnershipBlock(doc), "run npm run docs:security");
  });
});
