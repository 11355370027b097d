import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/stacks";

/**
 * Under `set -o pipefail`, a pipeline into a reader that stops early (`head`, `grep -q`, `grep -m`,
 * `sed …q`) fails at random: the reader exits, the writer dies of SIGPIPE (exit 141), and pipefail
 * reports it. Seen in CI as `rclone version | head -n 1` killing a whole run in its first second.
 */
const EARLY_EXIT_READER = /\|\s*(head\b|grep\s+(-\w*[qm]|--quiet|--max-count)|sed\s+(-n\s+)?['"]?[^|]*\bq\b|awk\b[^|]*\bexit\b)/;

const SETS_PIPEFAIL = /^\s*set\s+(-[a-z]*o\s+pipefail|.*-o\s+pipefail)/m;

/** The lines of a bash text, with comments dropped, that pipe into an early-exit reader. */
export function earlyExitPipelines(text: string): string[] {
  return text
    .split("\n")
    .map((line, i) => ({ line: line.replace(/(^|\s)#.*$/, ""), n: i + 1 }))
    .filter(({ line }) => EARLY_EXIT_READER.test(line))
    .map(({ line, n }) => `${n}: ${line.trim()}`);
}

function trackedBashFiles(): string[] {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  return files.filter((file) => {
    if (file.startsWith("node_modules/")) return false;
    if (file.endsWith(".sh") || file === ".ci/run") return true;
    try {
      return /^#!.*\bbash\b/.test(readFileSync(join(ROOT, file), "utf8").slice(0, 64));
    } catch {
      return false;
    }
  });
}

describe("test harness: no pipeline under pipefail ends in a reader that exits early", () => {
  it("the check finds the pattern that broke CI, and leaves safe forms alone", () => {
    assert.equal(earlyExitPipelines("set -euo pipefail\nrclone version | head -n 1\n").length, 1);
    assert.ok(
      SETS_PIPEFAIL.test("#!/bin/bash\nset -euo pipefail\n") &&
        SETS_PIPEFAIL.test("set -e -o pipefail") &&
        !SETS_PIPEFAIL.test("# no pipefail here\n"),
    );
    assert.equal(earlyExitPipelines("promtool --version | head -1").length, 1);
    assert.equal(earlyExitPipelines("kubectl get pods | grep -q Running").length, 1);
    assert.equal(earlyExitPipelines("ls | sed -n '1p;q'").length, 1);
    assert.deepEqual(earlyExitPipelines("# rclone version | head -n 1\nout=$(rclone version)\nhead -c 100 file\nx | sort | uniq\n"), []);
  });

  it("holds in every bash script of the repository that sets pipefail", () => {
    const files = trackedBashFiles();
    assert.ok(files.includes(".ci/run") && files.includes("scripts/test-all.sh"), `found ${files.length} scripts`);
    const problems = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), "utf8");
      return SETS_PIPEFAIL.test(text) ? earlyExitPipelines(text).map((line) => `${file}:${line}`) : [];
    });
    assert.deepEqual(problems, [], "read the whole output into a variable first (see first_line in scripts/test-all.sh)");
  });
});
