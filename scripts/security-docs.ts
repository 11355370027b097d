/**
 * `npm run docs:security [-- --check]`
 *
 * Regenerates the ownership block of docs/security.md ("Who owns what") from
 * the ownership registry (components/config/ownership/). With --check it
 * changes nothing and exits 1 when the block is out of date (as
 * test/docs/security-table.test.ts does).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { withOwnershipBlock } from "../components/config/ownership/docs";

export const SECURITY_DOC = join(resolve(__dirname, ".."), "docs", "security.md");

function main(): number {
  const { values } = parseArgs({ options: { check: { type: "boolean" } } });
  const current = readFileSync(SECURITY_DOC, "utf8");
  const next = withOwnershipBlock(current);
  if (values.check) {
    if (next === current) return 0;
    process.stderr.write("docs/security.md's ownership table is out of date: run npm run docs:security\n");
    return 1;
  }
  if (next !== current) writeFileSync(SECURITY_DOC, next);
  process.stdout.write(`${next === current ? "docs/security.md is up to date" : "updated docs/security.md"}\n`);
  return 0;
}

if (require.main === module) process.exit(main());
