import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { readManifests } from "./support/manifests";
import { openProject, REPO_ROOT, type CommandResult, type Project } from "./support/pulumi";
import { e2eSuite, userPath } from "./support/suite";

/**
 * The README's first command (scripts/run-local.sh) as a new user runs it: an empty home, no Pulumi
 * CLI on PATH, only the tool cache. Then the scripts the GitHub workflows run for a pull request's
 * preview comment (scripts/ci/preview.sh) and for a deploy (scripts/ci/up.sh), on the local stack
 * with the real CLI and engine: what a reviewer reads in the comment is what the engine planned.
 */
describe("e2e: the README's local command and the workflows' preview and deploy scripts", function () {
  const ctx = e2eSuite("scripts");
  let project: Project;
  /** PATH of a machine with no Pulumi CLI installed. */
  let barePath: string;

  /** What the workflows' jobs have: the CLI on PATH (pulumi/actions installs it) and the stack's secrets provider. */
  const cli = () => ({ env: { PATH: userPath(ctx.bin), PULUMI_CONFIG_PASSPHRASE: "openclaw-local-only" } });
  const manifests = () => readManifests(join(project.dir, "rendered", "local"));
  const preview = async (): Promise<{ result: CommandResult; comment: string }> => {
    const file = join(project.dir, "out", "comment.md");
    const result = await project.run("bash", ["scripts/ci/preview.sh", "local", file], { ...cli(), timeoutMs: 600_000 });
    assert.ok(existsSync(file), `no comment written:\n${result.output}`);
    return { result, comment: readFileSync(file, "utf8") };
  };
  const setConfig = (path: string, value: string) => project.ok(["config", "set", "--path", path, value, "-s", "local"], cli());

  before(function () {
    // The copy links this checkout's node_modules: set-up must find it installed from this lockfile,
    // or it would run `npm ci` through the link.
    assert.ok(
      existsSync(join(REPO_ROOT, "node_modules", ".openclaw-fleet-lock.sha256")),
      "node_modules was not installed by scripts/setup.sh: run it first",
    );
    barePath = userPath(ctx.bin)
      .split(delimiter)
      .filter((dir) => dir !== ctx.bin)
      .join(delimiter);
    // A fresh home: openProject makes an empty one. The tool cache is the one this run's toolchain
    // came from (the README's command builds into it when it is cold).
    project = openProject({
      binDir: ctx.bin,
      dir: ctx.dir,
      env: { PATH: barePath, OPENCLAW_FLEET_CACHE: dirname(ctx.bin), PULUMI_CONFIG_PASSPHRASE: undefined },
    });
  });

  it("scripts/run-local.sh, from an empty home with no pulumi on PATH, previews and ups the local stack with the CLI it builds", async function () {
    this.timeout(30 * 60_000);
    const run = await project.run("bash", ["scripts/run-local.sh"], { timeoutMs: 30 * 60_000 });
    assert.equal(run.code, 0, run.output);
    assert.match(
      run.output,
      new RegExp(`pulumi: ${dirname(ctx.bin).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/bin-\\w+/pulumi \\(v3\\.\\d+\\.\\d+\\)`),
      "the CLI the toolchain built, found without PATH",
    );
    assert.match(run.output, /Previewing update \(local\)/);
    assert.match(run.output, /\+ \d+ created/);
    assert.match(run.output, /manifests: .*rendered\/local/);
    const render = await project.run("npm", ["run", "--silent", "render", "--", "local", "--out", join(ctx.dir, "render")]);
    assert.equal(render.code, 0, render.output);
    assert.deepEqual([...manifests().keys()].sort(), [...readManifests(join(ctx.dir, "render", "manifests")).keys()].sort());
  });

  it("scripts/ci/preview.sh comments a passed preview with no change after that up", async function () {
    this.timeout(600_000);
    const { result, comment } = await preview();
    assert.equal(result.code, 0, result.output);
    assert.ok(comment.startsWith("<!-- openclaw-fleet:preview:local -->\n### Pulumi preview of `local`: passed"), comment);
    assert.match(comment, /^Resources:\n +\d+ unchanged$/m);
    assert.doesNotMatch(comment, /to create|to update|to delete|mandatory|advisory/);
  });

  it("a new instance shows in the comment's summary and diff, and scripts/ci/up.sh deploys it", async function () {
    this.timeout(900_000);
    await setConfig("tenants.demo.instances.helper.persistence.size", "1Gi");
    const { result, comment } = await preview();
    assert.equal(result.code, 0, result.output);
    assert.match(comment, /^ +\+ \d+ to create$/m);
    assert.match(comment, /\+ kubernetes:apps\/v1:StatefulSet: \(create\)\n +\[urn=\S+::demo\/helper[\w-]*\]/);
    assert.ok(!manifests().has("StatefulSet openclaw-demo/helper"), "not deployed by a preview");

    const up = await project.run("bash", ["scripts/ci/up.sh", "local", "e2e: add helper"], { ...cli(), timeoutMs: 600_000 });
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, /\+ \d+ created/);
    assert.ok(
      [...manifests().keys()].some((key) => /^StatefulSet openclaw-demo\/.*helper/.test(key)),
      [...manifests().keys()].join("\n"),
    );
    assert.match((await preview()).comment, /^Resources:\n +\d+ unchanged$/m);
  });

  it("a config mistake fails the preview, and the comment says where and how to fix it", async function () {
    this.timeout(600_000);
    await setConfig("tenants.demo.instances.helper.persistence.size", "lots");
    const { result, comment } = await preview();
    assert.notEqual(result.code, 0, "the preview must fail");
    assert.match(comment, /^### Pulumi preview of `local`: FAILED \(exit \d+\)$/m);
    assert.match(comment, /openclaw-fleet:tenants\.demo\.instances\.helper\.persistence\.size: "lots" is not a Kubernetes quantity/);
  });
});
