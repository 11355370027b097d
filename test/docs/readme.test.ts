import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { USAGE } from "../../cli/main";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { PROJECT } from "../../scripts/lib/render-stack";
import { readStackFile } from "../../scripts/lib/stack-file";
import { findObject, kubernetesObjects, ROOT, runProgram } from "../support/stacks";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The fenced block that follows a heading of the README. */
function blockAfter(heading: string, language: string): string {
  const start = README.indexOf(`## ${heading}\n`);
  assert.ok(start >= 0, `README.md has no "## ${heading}" section`);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(README.slice(start));
  const block = match?.[1];
  assert.ok(block !== undefined, `README.md "## ${heading}" has no \`\`\`${language} block`);
  return block;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return entry.endsWith(".md") ? [path] : [];
  });
}

describe("README and docs stay true", () => {
  it("the one-screen example stack is a valid stack that renders what its comments say", async () => {
    const dir = mkdtempSync(join(tmpdir(), "readme-stack-"));
    try {
      const file = join(dir, "Pulumi.readme.yaml");
      writeFileSync(file, blockAfter("A stack on one screen", "yaml"));
      const raw = readStackFile(file, PROJECT);
      assert.ok(raw.secretKeys.has("secrets"), "the example's secrets must be `secure:` values");
      const registrations = await runProgram(raw);

      const namespace = findObject(registrations, "Namespace", "openclaw-acme");
      const labels = namespace.metadata.labels as Record<string, string> | undefined;
      assert.equal(labels?.["pod-security.kubernetes.io/enforce"], "restricted");
      const objects = kubernetesObjects(registrations);
      const statefulSets = objects
        .filter((o) => o.kind === "StatefulSet")
        .map((o) => o.metadata.name)
        .sort();
      assert.deepEqual(statefulSets, ["sales", "support"]);
      const container = (name: string) => {
        const spec = findObject(registrations, "StatefulSet", name, "openclaw-acme").spec as {
          template: { spec: { containers: { name: string; image: string; resources: { limits: Record<string, string> } }[] } };
        };
        const [first] = spec.template.spec.containers;
        assert.ok(first, `StatefulSet ${name} has no container`);
        return first;
      };
      assert.equal(container("sales").resources.limits.memory, "8Gi", "sales overrides the memory limit");
      assert.notEqual(container("support").resources.limits.memory, "8Gi", "support keeps the default limit");
      assert.ok(container("support").image.endsWith(`:${OPENCLAW_VERSION}`), "defaults.image.tag applies to every instance");
      assert.deepEqual(
        objects
          .filter((o) => o.kind === "CronJob")
          .map((o) => o.metadata.name)
          .sort(),
        ["sales-backup", "support-backup"],
        "every instance with a volume gets a backup CronJob",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens with two commands, the local stack's main job and every test, which are the scripts CI runs", () => {
    assert.equal(/^## (.+)$/m.exec(README)?.[1], "Two commands", "the first section");
    const commands = blockAfter("Two commands", "sh")
      .trim()
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim());
    assert.deepEqual(commands, ["scripts/run-local.sh", "scripts/test-all.sh"]);
    for (const command of commands) {
      const file = join(ROOT, command);
      assert.ok((statSync(file).mode & 0o111) !== 0, `${command} is not executable`);
      assert.match(readFileSync(file, "utf8"), /^#!\/usr\/bin\/env bash\n/);
    }
    assert.match(
      readFileSync(join(ROOT, ".ci", "run"), "utf8"),
      /^exec bash scripts\/test-all\.sh "\$@"$/m,
      ".ci/run runs the README's test command",
    );
  });

  it("every `npm run` script the README names exists in package.json", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const named = [...README.matchAll(/npm run ([a-z0-9:-]+)/g)].map((m) => m[1] ?? "");
    assert.ok(named.length >= 3, "the README shows npm run commands");
    for (const script of named) assert.ok(script in scripts, `README runs "npm run ${script}", which package.json does not define`);
  });

  it("every fleet CLI command the README shows is one the CLI knows", () => {
    const commands = [...README.matchAll(/npm run fleet -- (?:--stack \S+ )?([a-z-]+(?: [a-z]+)?)/g)].map((m) => m[1]);
    assert.ok(commands.length >= 5, "the README shows the fleet CLI");
    const usage = USAGE.split("\n").map((line) => line.trim());
    for (const command of commands) {
      assert.ok(
        usage.some((line) => line.startsWith(`${command} `) || line === command),
        `README shows "${command}", which is not in the CLI's usage`,
      );
    }
  });

  it("every relative link in README.md and docs/ points at a file that exists", () => {
    const files = [join(ROOT, "README.md"), ...markdownFiles(join(ROOT, "docs"))];
    let links = 0;
    for (const file of files) {
      // Code blocks and inline code hold examples and regexes, not links.
      const text = readFileSync(file, "utf8")
        .replace(/```[\s\S]*?```/g, "")
        .replace(/`[^`\n]*`/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        links++;
        assert.ok(existsSync(join(dirname(file), target)), `${relative(ROOT, file)} links to ${target}, which does not exist`);
      }
    }
    assert.ok(links > 20, `expected the docs to link each other, found ${links} relative links`);
  });
});
