import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/stacks";

// Relative links of every doc are checked in readme.test.ts.
describe("architecture doc", () => {
  it("docs/architecture.md has Mermaid diagrams and names every component type the program registers", () => {
    const text = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
    assert.ok((text.match(/```mermaid/g) ?? []).length >= 2);
    for (const type of ["Fleet", "Tenant", "OpenClawInstance", "BackupStore", "InstanceBackup", "BackupIdentity"]) {
      assert.ok(text.includes(type), `docs/architecture.md does not mention ${type}`);
    }
  });
});
