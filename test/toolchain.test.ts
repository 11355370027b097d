import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { TOOLCHAIN_DIR, toolchainVersions } from "./e2e/support/toolchain";
import { ROOT } from "./support/stacks";

/** [major, minor, patch] of a plain semver string. */
function semver(text: string): number[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  assert.ok(m, `${text} is not a version`);
  return m.slice(1, 4).map(Number);
}

function compare(a: string, b: string): number {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The end-to-end suite must run the program on the engine users need (test/e2e/toolchain/versions.env). */
describe("e2e toolchain pins", () => {
  const versions = toolchainVersions();
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };

  it("builds a Pulumi CLI at least as new as the @pulumi/pulumi the program uses", () => {
    assert.ok(compare(versions.PULUMI_VERSION, pkg.dependencies["@pulumi/pulumi"]) >= 0, `CLI ${versions.PULUMI_VERSION} < SDK ${pkg.dependencies["@pulumi/pulumi"]}`);
  });

  it("builds a CLI that Pulumi.yaml's requiredPulumiVersion accepts, so the suite runs what users must have", () => {
    const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion: string };
    const minimum = /^>=\s*(\d+\.\d+\.\d+)$/.exec(project.requiredPulumiVersion)?.[1];
    assert.ok(minimum !== undefined, `requiredPulumiVersion "${project.requiredPulumiVersion}" is not of the form >=x.y.z`);
    assert.ok(compare(versions.PULUMI_VERSION, minimum) >= 0, `the suite's CLI ${versions.PULUMI_VERSION} is older than the required ${minimum}`);
  });

  it("pins the Kubernetes wrapper module to the Kubernetes version it names", () => {
    const goMod = readFileSync(join(TOOLCHAIN_DIR, "kube", "go.mod"), "utf8");
    assert.match(goMod, new RegExp(`^\\s*k8s\\.io/kubernetes v${versions.KUBERNETES_VERSION.replace(/\./g, "\\.")}$`, "m"));
    const minor = versions.KUBERNETES_VERSION.split(".")[1];
    const staging = [...goMod.matchAll(/^\s*(k8s\.io\/[a-z-]+) => \1 (v\S+)$/gm)];
    assert.ok(staging.length >= 20, `only ${staging.length} staging modules pinned`);
    for (const [, module, version] of staging) assert.equal(version, `v0.${minor}.${versions.KUBERNETES_VERSION.split(".")[2]}`, `${module} is pinned to ${version}`);
  });

  it("builds the language host against the SDK of the CLI it serves", () => {
    const goMod = readFileSync(join(TOOLCHAIN_DIR, "langhost", "go.mod"), "utf8");
    assert.match(goMod, new RegExp(`github\\.com/pulumi/pulumi/sdk/v3 v${versions.PULUMI_VERSION.replace(/\./g, "\\.")}\\b`));
  });
});
