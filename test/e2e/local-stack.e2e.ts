import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { manifestKey, maskSecretValues, readManifests, type Manifest } from "./support/manifests";
import { openProject, ourWarnings, REPO_ROOT, type Project } from "./support/pulumi";
import { e2eSuite } from "./support/suite";

/** Every path at which two JSON values differ, for a readable failure. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return [`${path}: pulumi up wrote ${JSON.stringify(a)}, npm run render wrote ${JSON.stringify(b)}`];
}

/**
 * The README's "Run it for real" commands on the `local` stack, run by the
 * real CLI and engine: the manifests `pulumi up` writes must be the ones the
 * offline render writes, so that the render a pull request shows is the truth.
 */
describe("e2e: the local stack, as the README runs it", function () {
  const ctx = e2eSuite("local");
  let project: Project;
  const stackFile = join("stacks", "Pulumi.local.yaml");

  before(function () {
    project = openProject({ binDir: ctx.bin, dir: ctx.dir, env: { PULUMI_CONFIG_PASSPHRASE: "openclaw-local-only" } });
  });

  it("pulumi login --local and stack select --create work, and leave the stack file as it is", async function () {
    this.timeout(120_000);
    await project.ok(["login", "--local"]);
    await project.ok(["stack", "select", "local", "--create"]);
    assert.equal(
      readFileSync(join(project.dir, stackFile), "utf8"),
      readFileSync(join(REPO_ROOT, stackFile), "utf8"),
      "pulumi rewrote stacks/Pulumi.local.yaml",
    );
  });

  it("pulumi preview -s local plans every object, with no error and no warning of ours", async function () {
    this.timeout(600_000);
    const preview = await project.ok(["preview", "-s", "local"]);
    // Rendering YAML writes Secrets in plain text, and the provider says so for each (the README says it too).
    assert.deepEqual(
      ourWarnings(preview.output).filter(
        (line) => !/rendered (YAML|file \S+) (will contain|contains) a secret value in plaintext/.test(line),
      ),
      [],
    );
    assert.match(preview.output, /\+ +pulumi:pulumi:Stack +openclaw-fleet-local +create/);
    assert.match(preview.output, /\+ \d+ to create/);
    assert.doesNotMatch(preview.output, /error:/);
  });

  it("pulumi preview -s local --policy-pack policy passes in the real policy analyzer", async function () {
    this.timeout(600_000);
    const preview = await project.ok(["preview", "-s", "local", "--policy-pack", "policy"]);
    assert.match(preview.output, /Loading policy packs\.\.\.: done/);
    assert.doesNotMatch(preview.output, /mandatory|advisory/);
  });

  it("pulumi up -s local writes the manifests that npm run render -- local writes", async function () {
    this.timeout(600_000);
    const up = await project.ok(["up", "-s", "local", "--yes"]);
    assert.match(up.output, /\+ \d+ created/);
    const applied = readManifests(join(project.dir, "rendered", "local"));
    const render = await project.run("npm", ["run", "--silent", "render", "--", "local", "--out", join(ctx.dir, "render")]);
    assert.equal(render.code, 0, render.output);
    const rendered = readManifests(join(ctx.dir, "render", "manifests"));
    assert.deepEqual([...applied.keys()].sort(), [...rendered.keys()].sort(), "different objects");
    assert.ok(applied.size >= 15, `only ${applied.size} objects`);
    // Explained difference: a Secret's values (pulumi writes them in plain text, the render redacts them) and
    // `stringData`, which the provider, like the API server, stores as `data`. Everything else must be equal.
    const problems = [...applied.values()].flatMap((m: Manifest) =>
      differences(maskSecretValues(m), maskSecretValues(rendered.get(manifestKey(m)) as Manifest)).map((d) => `${manifestKey(m)} ${d}`),
    );
    assert.deepEqual(problems, []);
  });

  it("a second preview plans no change", async function () {
    this.timeout(600_000);
    const preview = await project.pulumi(["preview", "-s", "local", "--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
  });
});
