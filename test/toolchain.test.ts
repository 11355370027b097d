import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { NODE_RECIPE_DIR, nodeVersions, TOOLCHAIN_DIR, toolchainVersions } from "./e2e/support/toolchain";
import { ROOT } from "./support/stacks";

/** [major, minor, patch] of a plain semver string. */
function semver(text: string): number[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  assert.ok(m, `${text} is not a version`);
  return m.slice(1, 4).map(Number);
}

function compare(a: string, b: string): number {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The end-to-end suite must run the program on the engine users need (test/e2e/toolchain/versions.env). */
describe("e2e toolchain pins", () => {
  const versions = toolchainVersions();
  const pinned = (name: string): string => {
    const value = versions[name];
    assert.ok(value !== undefined, `the toolchain pins no ${name}`);
    return value;
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };

  it("builds a Pulumi CLI at least as new as the @pulumi/pulumi the program uses", () => {
    assert.ok(
      compare(pinned("PULUMI_VERSION"), pkg.dependencies["@pulumi/pulumi"] ?? "") >= 0,
      `CLI ${pinned("PULUMI_VERSION")} < SDK ${pkg.dependencies["@pulumi/pulumi"]}`,
    );
  });

  it("builds a CLI that Pulumi.yaml's requiredPulumiVersion accepts, so the suite runs what users must have", () => {
    const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion: string };
    const minimum = /^>=\s*(\d+\.\d+\.\d+)$/.exec(project.requiredPulumiVersion)?.[1];
    assert.ok(minimum !== undefined, `requiredPulumiVersion "${project.requiredPulumiVersion}" is not of the form >=x.y.z`);
    assert.ok(
      compare(pinned("PULUMI_VERSION"), minimum) >= 0,
      `the suite's CLI ${pinned("PULUMI_VERSION")} is older than the required ${minimum}`,
    );
  });

  it("pins the Kubernetes wrapper module to the Kubernetes version it names", () => {
    const goMod = readFileSync(join(TOOLCHAIN_DIR, "kube", "go.mod"), "utf8");
    assert.match(goMod, new RegExp(`^\\s*k8s\\.io/kubernetes v${pinned("KUBERNETES_VERSION").replace(/\./g, "\\.")}$`, "m"));
    const minor = pinned("KUBERNETES_VERSION").split(".")[1];
    const staging = [...goMod.matchAll(/^\s*(k8s\.io\/[a-z-]+) => \1 (v\S+)$/gm)];
    assert.ok(staging.length >= 20, `only ${staging.length} staging modules pinned`);
    for (const [, module, version] of staging)
      assert.equal(version, `v0.${minor}.${pinned("KUBERNETES_VERSION").split(".")[2]}`, `${module} is pinned to ${version}`);
  });

  it("builds the language host against the SDK of the CLI it serves", () => {
    const goMod = readFileSync(join(TOOLCHAIN_DIR, "langhost", "go.mod"), "utf8");
    assert.match(goMod, new RegExp(`github\\.com/pulumi/pulumi/sdk/v3 v${pinned("PULUMI_VERSION").replace(/\./g, "\\.")}\\b`));
  });
});

/** The real node (test/e2e/node/versions.env) runs the control plane's Kubernetes, from its own module. */
describe("e2e node pins", () => {
  const versions = nodeVersions();
  const pinned = (name: string): string => {
    const value = versions[name];
    assert.ok(value !== undefined, `the real node pins no ${name}`);
    return value;
  };

  it("builds the kubelet and kube-proxy of the control plane's Kubernetes version, its staging modules pinned alike", () => {
    assert.equal(pinned("NODE_KUBERNETES_VERSION"), toolchainVersions().KUBERNETES_VERSION);
    const goMod = readFileSync(join(NODE_RECIPE_DIR, "kube", "go.mod"), "utf8");
    assert.match(goMod, new RegExp(`^\\s*k8s\\.io/kubernetes v${pinned("NODE_KUBERNETES_VERSION").replace(/\./g, "\\.")}$`, "m"));
    const [, minor, patch] = pinned("NODE_KUBERNETES_VERSION").split(".");
    const staging = [...goMod.matchAll(/^\s*(k8s\.io\/[a-z-]+) => \1 (v\S+)$/gm)];
    assert.ok(staging.length >= 20, `only ${staging.length} staging modules pinned`);
    for (const [, module, version] of staging) assert.equal(version, `v0.${minor}.${patch}`, `${module} is pinned to ${version}`);
  });

  it("builds the CoreDNS module versions.env names", () => {
    assert.match(
      readFileSync(join(NODE_RECIPE_DIR, "coredns", "go.mod"), "utf8"),
      new RegExp(`github\\.com/coredns/coredns ${pinned("COREDNS_VERSION").replace(/\./g, "\\.")}$`, "m"),
    );
  });
});

/**
 * Every cached Go-built tool recipe (test/support/go-tools.sh) names the failing step once: the steps
 * run inside functions and subshells, where bash's ERR trap is not seen without errtrace and is seen
 * once per shell with it. GOPROXY=off and an empty cache make the first module download fail at once.
 */
describe("Go tool recipes: a failed build says which step and module, once", () => {
  const recipes: Array<{ script: string; args: string[]; step: RegExp }> = [
    {
      script: "test/e2e/toolchain/build.sh",
      args: [],
      step: /FAILED: pulumi [\d.]+: go mod download github\.com\/pulumi\/pulumi\/pkg\/v3@v[\d.]+ \(module github\.com\/pulumi\/pulumi\/pkg\/v3@v[\d.]+, exit 1\)/,
    },
    {
      script: "test/toolchain/build.sh",
      args: ["rclone"],
      step: /FAILED: rclone [\d.]+: go mod download github\.com\/rclone\/rclone@v[\d.]+ \(module github\.com\/rclone\/rclone@v[\d.]+, exit 1\)/,
    },
    {
      script: "test/security/tailscale/build.sh",
      args: [],
      step: /FAILED: tailscale v[\d.]+: go install \.\/cmd\/tailscale \(module tailscale\.com@v[\d.]+, exit 1\)/,
    },
    {
      script: "test/e2e/node/build.sh",
      args: [],
      step: /FAILED: kubelet\+kube-proxy [\d.]+: go build \.\/kube \(module \.\/kube \(k8s\.io\/kubernetes@v[\d.]+\), exit 1\)/,
    },
    {
      script: "test/tools/build.sh",
      args: ["grafana-dashboard-check"],
      step: /FAILED: grafana-dashboard-check: go mod download \(module github\.com\/grafana\/\S+, exit 1\)/,
    },
  ];
  for (const recipe of recipes) {
    it(`${recipe.script} ${recipe.args.join(" ")}`.trim(), () => {
      const cache = mkdtempSync(join(tmpdir(), "ocf-recipe-"));
      const tmp = mkdtempSync(join(tmpdir(), "ocf-recipe-tmp-"));
      try {
        const result = spawnSync("bash", [join(ROOT, recipe.script), ...recipe.args], {
          env: { PATH: process.env.PATH ?? "", HOME: cache, TMPDIR: tmp, OPENCLAW_FLEET_CACHE: cache, GOPROXY: "off" },
          encoding: "utf8",
          timeout: 60_000,
        });
        assert.equal(result.error, undefined, `cannot run bash: ${result.error?.message}`);
        assert.doesNotMatch(result.stderr, /go is not installed/, "these tests need Go 1.26 on PATH (https://go.dev/doc/install)");
        assert.notEqual(result.status, 0, `the build must fail with GOPROXY=off:\n${result.stderr}`);
        assert.match(result.stderr, /module lookup disabled by GOPROXY=off/, "go's own reason is shown");
        assert.match(result.stderr, recipe.step);
        assert.equal(result.stderr.match(/FAILED:/g)?.length, 1, `one FAILED line:\n${result.stderr}`);
        assert.deepEqual(readdirSync(tmp), [], "nothing left behind in TMPDIR");
      } finally {
        rmSync(cache, { recursive: true, force: true });
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
