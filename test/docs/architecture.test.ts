import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../support/stacks";

const DOCS = ["docs/architecture.md", "docs/config.md"];

describe("architecture and config docs", () => {
  for (const doc of DOCS) {
    it(`${doc}: every relative link points at a file that exists`, () => {
      const text = readFileSync(join(ROOT, doc), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        assert.ok(existsSync(join(ROOT, dirname(doc), target)), `${doc} links to ${target}, which does not exist`);
      }
    });
  }

  it("docs/architecture.md has Mermaid diagrams and names every component type the program registers", () => {
    const text = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
    assert.ok((text.match(/```mermaid/g) ?? []).length >= 2);
    for (const type of ["Fleet", "Tenant", "OpenClawInstance", "BackupStore", "InstanceBackup", "BackupIdentity"]) {
      assert.ok(text.includes(type), `docs/architecture.md does not mention ${type}`);
    }
  });
});
