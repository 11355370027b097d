import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/stacks";

const SECTIONS = new Set(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]);

describe("CHANGELOG.md", () => {
  const text = readFileSync(join(ROOT, "CHANGELOG.md"), "utf8");
  const releases = [...text.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => ({ version: m[1] ?? "", date: m[2] }));

  it("opens with [Unreleased], then releases newest first, each dated", () => {
    assert.equal(releases[0]?.version, "Unreleased");
    const cut = releases.slice(1);
    assert.ok(cut.length >= 1, "no release has been cut");
    for (const release of cut) assert.match(release.date ?? "", /^\d{4}-\d{2}-\d{2}$/, `release ${release.version} has no date`);
    const dates = cut.map((r) => r.date ?? "");
    assert.deepEqual(dates, [...dates].sort().reverse(), "releases are not newest first");
  });

  it("names the version package.json carries as its newest release", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    assert.equal(releases[1]?.version, pkg.version);
  });

  it("uses Keep a Changelog's sections, each at most once per release", () => {
    for (const block of text.split(/^## /m).slice(1)) {
      const sections = [...block.matchAll(/^### (.+)$/gm)].map((m) => m[1] ?? "");
      for (const section of sections) assert.ok(SECTIONS.has(section), `unknown section "${section}" in ## ${block.split("\n")[0]}`);
      assert.equal(new Set(sections).size, sections.length, `a section repeats in ## ${block.split("\n")[0]}`);
    }
  });
});
