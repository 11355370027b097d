import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadFleetConfig } from "../../components/validation/load";
import { ConfigError } from "../../components/config/problems";
import { StackFileError } from "../../components/config/stack-file";
import { program } from "../../components/program/program";
import { runWithMocks } from "../../scripts/lib/mock-runtime";
import { PROJECT } from "../../scripts/lib/render-stack";
import { readStackFile } from "../../scripts/lib/stack-file";
import { assertValidObject } from "../support/k8s-schema";
import "../support/crd-schemas";
import { kubernetesObjects } from "../support/stacks";

const CORPUS = join(__dirname, "bad");
/** The stack the one-mistake configs start from. */
const BASE = join(__dirname, "good", "one-mistake-base.yaml");

/** Each corpus file states the problems it must produce in `# expect:` lines (`<file>` stands for its path). */
function expectations(path: string): { messages: string[]; count?: number } {
  const text = readFileSync(path, "utf8");
  const messages = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => (m[1] ?? "").trim().replace("<file>", path));
  const count = /^# expect-count: (\d+)$/m.exec(text)?.[1];
  return { messages, count: count === undefined ? undefined : Number(count) };
}

/** The problems the program reports for a stack file; a file that is accepted reports none. */
function problemsOf(path: string): string[] {
  try {
    loadFleetConfig(readStackFile(path, PROJECT));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError)
      return err.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw err;
  }
  return [];
}

describe("bad config corpus", () => {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  it("has at least 70 one-mistake configs next to the hand-written ones", () => {
    const oneMistake = files.filter((f) => readFileSync(join(CORPUS, f), "utf8").startsWith("# One mistake:"));
    assert.ok(oneMistake.length >= 70, `${oneMistake.length} one-mistake configs`);
  });

  it("starts each one-mistake config from a stack that renders valid objects", async () => {
    assert.deepEqual(problemsOf(BASE), []);
    const { registrations } = await runWithMocks(readStackFile(BASE, PROJECT), program, { stack: "corpus" });
    const objects = kubernetesObjects(registrations);
    assert.ok(objects.length > 10);
    for (const object of objects) assertValidObject(object);
  });

  for (const file of files) {
    it(`${file}: reports every expected problem with its full path`, () => {
      const path = join(CORPUS, file);
      const { messages, count } = expectations(path);
      assert.ok(messages.length > 0, `${file} has no '# expect:' lines`);
      const problems = problemsOf(path);
      for (const expected of messages) {
        assert.ok(
          problems.some((p) => p.startsWith(expected)),
          `missing problem:\n  ${expected}\nreported:\n  ${problems.join("\n  ")}`,
        );
      }
      if (count !== undefined) assert.equal(problems.length, count, problems.join("\n"));
    });
  }

  it("registers no resource when the config is bad", async () => {
    const raw = readStackFile(join(CORPUS, "several-errors.yaml"), PROJECT);
    let registered = -1;
    await assert.rejects(async () => {
      const result = await runWithMocks(raw, program);
      registered = result.registrations.length;
    }, ConfigError);
    assert.equal(registered, -1, "the program ran to completion on a bad config");
  });
});
