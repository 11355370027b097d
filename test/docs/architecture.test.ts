import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/stacks";

const DOC = join(ROOT, "docs/architecture.md");

/** Every `openclaw:<module>:<Type>` token a ComponentResource of the program registers with. */
function componentTokens(dir: string): string[] {
  const tokens: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tokens.push(...componentTokens(path));
    else if (entry.name.endsWith(".ts"))
      for (const match of readFileSync(path, "utf8").matchAll(/super\("(openclaw:[a-z-]+:[A-Za-z]+)"/g))
        if (match[1]) tokens.push(match[1]);
  }
  return tokens;
}

// Relative links of every doc are checked in readme.test.ts.
describe("architecture doc", () => {
  const text = readFileSync(DOC, "utf8");

  it("has Mermaid diagrams and names every ComponentResource type the program registers", () => {
    assert.ok((text.match(/```mermaid/g) ?? []).length >= 3);
    const tokens = componentTokens(join(ROOT, "components"));
    assert.ok(tokens.length >= 10, `found ${tokens.length} component tokens`);
    for (const token of tokens) {
      const type = token.split(":")[2] ?? token;
      assert.ok(text.includes(`\`${type}\``) || text.includes(type), `docs/architecture.md does not mention ${type} (${token})`);
    }
  });

  it("maps every folder of components/ to its layer, as .dependency-cruiser.cjs enforces them", () => {
    const layers = readFileSync(join(ROOT, ".dependency-cruiser.cjs"), "utf8");
    for (const layer of ["config", "builders", "validation", "program"]) {
      assert.match(layers, new RegExp(`\\^components/${layer}/`), `.dependency-cruiser.cjs has no ${layer} layer`);
    }
    const map = text.slice(text.indexOf("## Repository map"));
    for (const entry of readdirSync(join(ROOT, "components"), { withFileTypes: true })) {
      const path = entry.isDirectory() ? `components/${entry.name}/` : `components/${entry.name}`;
      assert.ok(map.includes(path), `the repository map in docs/architecture.md does not place ${path} in a layer`);
    }
  });
});
