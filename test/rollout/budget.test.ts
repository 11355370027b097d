import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { main } from "../../cli/main";
import { loadFleetConfig } from "../../components/validation/load";
import { deployBudget } from "../../components/builders/rollout/budget";
import { fleetRolloutWaves } from "../../components/builders/rollout/plan";
import { configProblems, rawConfig } from "../support/stacks";

const STORE = {
  store: {
    kind: "s3Compatible",
    endpoint: "https://s3.example.com",
    bucket: "openclaw-backups",
    credentials: { accessKeyId: { secretRef: "k" }, secretAccessKey: { secretRef: "s" } },
  },
};

function values(backup: Record<string, unknown> = {}, rollout: Record<string, unknown> = {}) {
  return {
    cluster: { kubernetes: { context: "prod" } },
    backup: { ...STORE, ...backup },
    defaults: { image: { tag: "2026.11.1" } },
    rollout,
    tenants: { acme: { instances: { a: {}, b: {}, c: {}, d: {} } }, globex: { instances: { x: {} } } },
    secrets: { k: "key", s: "secret" },
  };
}

function problems(backup: Record<string, unknown>, rollout: Record<string, unknown>): string[] {
  return configProblems(rawConfig(values(backup, rollout)));
}

describe("deploy budget: the longest a pulumi up can take", () => {
  it("is 15 min plus, per wave, backup.deleteTimeout and 10 min for the workloads", () => {
    const model = loadFleetConfig(rawConfig(values()));
    const waves = fleetRolloutWaves(model);
    assert.equal(waves.length, 4, "a quarter of acme per wave");
    assert.deepEqual(deployBudget(model, waves.length), { waveCount: 4, perWaveMinutes: 40, restoreMinutes: 0, totalMinutes: 175 });
  });

  it("adds the longest restore the config asks for", () => {
    const model = loadFleetConfig(
      rawConfig({
        ...values(),
        tenants: { acme: { instances: { a: { backup: { restoreFrom: "acme/a/latest", activeDeadlineSeconds: 7200 } } } } },
      }),
    );
    assert.equal(deployBudget(model, 1).restoreMinutes, 130);
  });

  it("refuses a config whose worst case does not fit rollout.maxDeployMinutes, with what to change", () => {
    const refused = problems({ deleteTimeout: "2h" }, {});
    assert.equal(refused.length, 1);
    assert.match(
      refused[0] ?? "",
      /^rollout\.maxDeployMinutes: a pulumi up of this fleet can take up to 535 minutes \(4 waves × 130 min: backup\.deleteTimeout 2h/,
    );
    assert.match(
      refused[0] ?? "",
      /take bigger waves \(rollout\.maxPerTenant, rollout\.maxPerWave\), shorten backup\.deleteTimeout, or raise rollout\.maxDeployMinutes/,
    );
    assert.deepEqual(problems({ deleteTimeout: "2h" }, { maxPerTenant: "100%" }), [], "one wave fits");
    assert.deepEqual(problems({ deleteTimeout: "2h" }, { maxDeployMinutes: 600 }), [], "a runner that allows longer jobs");
  });

  it("refuses a canary that is no instance", () => {
    assert.deepEqual(problems({}, { canary: ["acme/a", "acme/zz"] }), [
      'rollout.canary[1]: "acme/zz" is no instance of this stack; name a <tenant>/<instance> from tenants, or remove it',
    ]);
  });
});

describe("fleet CLI: rollout", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ocf-rollout-"));
    mkdirSync(join(dir, "stacks"));
    const config = Object.fromEntries(
      Object.entries(values({}, { canary: ["globex/x"] })).map(([k, v]) => [
        `openclaw-fleet:${k}`,
        k === "secrets" ? { k: { secure: "v1:x" }, s: { secure: "v1:y" } } : v,
      ]),
    );
    writeFileSync(join(dir, "stacks", "Pulumi.prod.yaml"), stringify({ config }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["--stack", "prod", ...argv], {
      env: {},
      cwd: dir,
      output: { out: (t) => void out.push(t), err: (t) => void err.push(t) },
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("prints the waves, canary first, and the worst case", async () => {
    const result = await run("rollout");
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out.split("\n")[0], "wave 1 (canary): globex/x");
    assert.match(result.out, /^wave 5: acme\/d$/m);
    assert.match(result.out, /worst-case pulumi up: 215 min \(5 waves × 40 min \+ 15\), within rollout\.maxDeployMinutes 360$/m);
  });

  it("prints the minutes alone with --minutes, for a CI job's timeout", async () => {
    assert.deepEqual(await run("rollout", "--minutes"), { code: 0, out: "215", err: "" });
  });
});
