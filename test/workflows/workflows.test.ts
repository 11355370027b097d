import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../support/stacks";

const WORKFLOWS = join(ROOT, ".github", "workflows");

type WorkflowParser = typeof import("@actions/workflow-parser");
// The parser is ESM-only; a dynamic import loads it from this CommonJS test.
const parser: Promise<WorkflowParser> = import("@actions/workflow-parser");

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly if?: string;
}
interface Job {
  readonly steps?: Step[];
  readonly uses?: string;
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string;
  readonly needs?: string | string[];
  readonly strategy?: { matrix?: { include?: Record<string, unknown>[] } };
  readonly with?: Record<string, unknown>;
  readonly if?: string;
  readonly "timeout-minutes"?: number | string;
  readonly outputs?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (file: string) => readFileSync(join(WORKFLOWS, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
const TEST_ACTION = "./.github/actions/test-all";
/** A job's uses of the test action, as { uses, with }. */
const testActionSteps = (job: Job | undefined) =>
  (job?.steps ?? [])
    .filter((s) => s.uses === TEST_ACTION)
    .map((s) => (s.with === undefined ? { uses: s.uses } : { uses: s.uses, with: s.with }));
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
const actionSteps = (wf: Workflow, action: string) => steps(wf).filter((s) => s.uses?.split("@")[0] === action);

/** Every problem the official GitHub Actions parser finds in a workflow (schema, expressions, job graph). */
async function workflowProblems(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await parser;
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const problems = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined) return problems.length > 0 ? problems : ["the parser returned nothing"];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return [...problems, ...(template.errors ?? []).map((e) => e.Message)];
}

describe("GitHub workflows", () => {
  it("ships preview, deploy, drift and the two halves of the render diff", () => {
    for (const file of ["preview.yml", "deploy.yml", "pulumi-up.yml", "drift.yml", "render-diff.yml", "render-diff-comment.yml"]) {
      assert.ok(files.includes(file), `.github/workflows/${file} is missing`);
    }
  });

  it("the validator rejects a broken workflow, so a pass means something", async () => {
    const problems = await workflowProblems(
      "broken.yml",
      "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n    steps:\n      - run: echo ${{ nosuchcontext.x }}\n",
    );
    assert.ok(
      problems.some((p) => /stepz/.test(p)),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => /nosuchcontext/.test(p)),
      problems.join("\n"),
    );
  });

  for (const file of files) {
    describe(file, () => {
      it("is valid for GitHub Actions (official workflow parser)", async () => {
        assert.deepEqual(await workflowProblems(file, text(file)), []);
      });

      it("calls only npm scripts that package.json defines", () => {
        const scripts = Object.keys(
          (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
        );
        for (const step of steps(load(file))) {
          for (const match of (step.run ?? "").matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:--?[a-z-]+\s+)*(\w[\w:.-]*)|(test|start))\b/g)) {
            const script = match[1] ?? match[2];
            assert.ok(
              script !== undefined && scripts.includes(script),
              `${file} runs "npm run ${script}", which package.json does not define`,
            );
          }
        }
      });

      it("pins every action to a version, and pulumi/actions to a major", () => {
        const wf = load(file);
        for (const step of steps(wf)) {
          if (step.uses === undefined || step.uses.startsWith("./")) continue;
          assert.match(
            step.uses,
            /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/,
            `${file}: "${step.uses}" is not pinned to a version`,
          );
        }
        for (const step of actionSteps(wf, "pulumi/actions"))
          assert.match(step.uses ?? "", /@v\d+$/, `${file}: pin pulumi/actions to a major version`);
      });

      it("never uses long-lived cloud keys or pull_request_target", () => {
        assert.ok(
          !("pull_request_target" in load(file).on),
          `${file}: pull_request_target runs with secrets next to untrusted code; use pull_request + workflow_run`,
        );
        assert.doesNotMatch(
          text(file),
          /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN/,
          `${file} must use OIDC, not stored keys`,
        );
        for (const step of actionSteps(load(file), "aws-actions/configure-aws-credentials")) {
          assert.ok(typeof step.with?.["role-to-assume"] === "string", `${file}: configure-aws-credentials needs role-to-assume (OIDC)`);
        }
      });
    });
  }

  describe("one CI definition: every workflow tests with .ci/run's script", () => {
    const action = parse(readFileSync(join(ROOT, ".github", "actions", "test-all", "action.yml"), "utf8")) as { runs: { steps: Step[] } };

    it("the test action runs scripts/test-all.sh, which is all .ci/run does", () => {
      const runs = action.runs.steps.filter((step) => step.run !== undefined).map((step) => step.run ?? "");
      assert.equal(runs.length, 1, "one shell step");
      assert.match(runs[0] ?? "", /^sudo env "PATH=\$PATH" "HOME=\$HOME" CI=true GITHUB_ACTIONS=true bash scripts\/test-all\.sh /);
      const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith("#"));
      assert.deepEqual(ci.slice(-1), ['exec bash scripts/test-all.sh "$@"']);
    });

    it("the test action uses the Node.js, Go and Pulumi versions the project pins", () => {
      const node = actionSteps({ on: {}, jobs: { a: { steps: action.runs.steps } } }, "actions/setup-node")[0];
      const engines = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
      assert.equal(String(node?.with?.["node-version"]), /\d+/.exec(engines)?.[0]);
      const go = actionSteps({ on: {}, jobs: { a: { steps: action.runs.steps } } }, "actions/setup-go")[0];
      const goMod = readFileSync(join(ROOT, "test", "e2e", "toolchain", "kube", "go.mod"), "utf8");
      assert.equal(String(go?.with?.["go-version"]), /^go (\d+\.\d+)/m.exec(goMod)?.[1]);
      const pulumiVersion = /^PULUMI_VERSION=(.*)$/m.exec(
        readFileSync(join(ROOT, "test", "e2e", "toolchain", "versions.env"), "utf8"),
      )?.[1];
      for (const file of ["preview.yml", "pulumi-up.yml"]) {
        for (const step of actionSteps(load(file), "pulumi/actions").filter((s) => s.with?.command === undefined)) {
          assert.equal(step.with?.["pulumi-version"], pulumiVersion, `${file} installs the CLI the end-to-end suite tests`);
        }
      }
    });

    it("no workflow runs a test command of its own: each job that tests uses the action", () => {
      for (const file of files) {
        for (const [name, job] of Object.entries(load(file).jobs)) {
          for (const step of job.steps ?? []) {
            assert.doesNotMatch(
              step.run ?? "",
              /\bnpm (test|run (lint|test[:\w]*))\b|\.ci\/run|test-all\.sh/,
              `${file} job ${name} runs tests itself; use ${TEST_ACTION}`,
            );
          }
        }
      }
    });

    it("the end-to-end suite runs nightly and on every pull request that changes the program", () => {
      const wf = load("e2e.yml");
      assert.ok(Array.isArray(wf.on.schedule) && wf.on.schedule.length === 1, "a schedule");
      const paths = (wf.on.pull_request as { paths: string[] }).paths;
      for (const path of ["components/**", "index.ts", "Pulumi.yaml", "stacks/**", "policy/**", "package-lock.json", "test/e2e/**"]) {
        assert.ok(paths.includes(path), `a change to ${path} runs the end-to-end suite`);
      }
      assert.deepEqual(testActionSteps(wf.jobs.test), [{ uses: TEST_ACTION }]);
    });
  });

  describe("what each workflow does", () => {
    const stackExists = (stack: unknown) => existsSync(join(ROOT, "stacks", `Pulumi.${String(stack)}.yaml`));

    it("previews every real stack on pull requests, with the policy pack, a diff and a PR comment", () => {
      const wf = load("preview.yml");
      assert.ok("pull_request" in wf.on);
      assert.deepEqual(testActionSteps(wf.jobs.test), [{ uses: TEST_ACTION, with: { e2e: false } }]);
      const job = wf.jobs.preview;
      assert.equal(job?.needs, "test");
      const stacks = (job.strategy?.matrix?.include ?? []).map((m) => m.stack);
      assert.deepEqual(stacks, ["dev", "prod"]);
      for (const stack of stacks) assert.ok(stackExists(stack), `stacks/Pulumi.${String(stack)}.yaml does not exist`);
      assert.equal((job?.permissions as Record<string, string>)["id-token"], "write", "OIDC needs id-token: write");
      const preview = (job.steps ?? []).find((step) => /scripts\/ci\/preview\.sh/.test(step.run ?? ""));
      assert.equal(preview?.run, 'bash scripts/ci/preview.sh "${{ matrix.stack }}" "out/preview-${{ matrix.stack }}.md"');
      const script = readFileSync(join(ROOT, "scripts", "ci", "preview.sh"), "utf8");
      for (const flag of ["--diff", "--policy-pack policy", "--non-interactive"])
        assert.ok(script.includes(flag), `scripts/ci/preview.sh must pass ${flag}`);
      assert.ok(existsSync(join(ROOT, "policy", "PulumiPolicy.yaml")), "--policy-pack must point at the policy pack");
      const [comment] = actionSteps(wf, "actions/github-script");
      assert.match(
        String(comment?.with?.script),
        /out\/preview-\$\{process\.env\.STACK\}\.md/,
        "the comment step posts the file the preview step wrote",
      );
      assert.match(String(comment?.if), /^always\(\)/, "a failed preview is commented too");
    });

    it("runs up on main per environment, dev before prod, each behind its GitHub environment", () => {
      const deploy = load("deploy.yml");
      assert.deepEqual((deploy.on.push as { branches: string[] }).branches, ["main"]);
      assert.deepEqual(
        testActionSteps(deploy.jobs.test),
        [{ uses: TEST_ACTION }],
        "a deploy runs every test, the end-to-end suite included",
      );
      assert.equal(deploy.jobs.dev?.needs, "test");
      assert.equal(deploy.jobs.dev?.uses, "./.github/workflows/pulumi-up.yml");
      assert.equal(deploy.jobs.prod?.needs, "dev");
      for (const name of ["dev", "prod"]) {
        assert.equal(deploy.jobs[name]?.with?.stack, name);
        assert.ok(stackExists(name));
      }
      const up = load("pulumi-up.yml");
      assert.equal(up.jobs.up?.environment, "${{ inputs.stack }}");
      const step = (up.jobs.up.steps ?? []).find((s) => /scripts\/ci\/up\.sh/.test(s.run ?? ""));
      assert.equal(step?.run, 'bash scripts/ci/up.sh "${{ inputs.stack }}" "$MESSAGE"');
      const script = readFileSync(join(ROOT, "scripts", "ci", "up.sh"), "utf8");
      for (const flag of ["--yes", "--diff", "--policy-pack policy", "--non-interactive"])
        assert.ok(script.includes(flag), `scripts/ci/up.sh must pass ${flag}`);
    });

    it("times out a deploy after the worst case its stack's config allows, not a fixed hour", () => {
      const up = load("pulumi-up.yml");
      assert.equal(up.jobs.up?.needs, "budget");
      assert.equal(up.jobs.up["timeout-minutes"], "${{ fromJSON(needs.budget.outputs.minutes) }}");
      const budget = (up.jobs.budget?.steps ?? []).find((step) => /\brollout --minutes\b/.test(step.run ?? ""));
      assert.ok(budget, "no step computes the budget with the fleet CLI's `rollout --minutes`");
      assert.match(String(up.jobs.budget?.outputs?.minutes), /steps\.budget\.outputs\.minutes/);
    });

    it("detects drift nightly with a refreshed preview that expects no changes", () => {
      const wf = load("drift.yml");
      assert.ok(Array.isArray(wf.on.schedule) && wf.on.schedule.length === 1);
      const [pulumi] = actionSteps(wf, "pulumi/actions");
      assert.deepEqual(
        { command: pulumi?.with?.command, refresh: pulumi?.with?.refresh, expect: pulumi?.with?.["expect-no-changes"] },
        { command: "preview", refresh: true, expect: true },
      );
    });

    it("renders base and head without credentials, and comments from a context that runs none of the PR's code", () => {
      const render = load("render-diff.yml");
      assert.ok("pull_request" in render.on);
      assert.deepEqual(render.permissions, { contents: "read" });
      for (const job of Object.values(render.jobs)) assert.equal(job.permissions, undefined, "no job may widen the read-only token");
      assert.doesNotMatch(text("render-diff.yml"), /secrets\.|id-token/, "the render must run without secrets, so forks get it too");
      assert.ok(
        steps(render).some((s) => /npm run render -- "\$stack"/.test(s.run ?? "")),
        "it must render with npm run render",
      );
      assert.ok(actionSteps(render, "actions/upload-artifact").length === 1);

      const comment = load("render-diff-comment.yml");
      assert.deepEqual((comment.on.workflow_run as { workflows: string[] }).workflows, [
        (parse(text("render-diff.yml")) as { name: string }).name,
      ]);
      assert.equal(actionSteps(comment, "actions/checkout").length, 0, "the commenting workflow must not check out PR code");
      assert.ok(
        steps(comment).every((s) => s.run === undefined),
        "the commenting workflow must run no shell on the artifact",
      );
      assert.match(
        text("render-diff-comment.yml"),
        /pr\.head\.sha !== process\.env\.HEAD_SHA/,
        "it must check the artifact's PR against the run's head commit",
      );
    });
  });
});
