// Every Grafana dashboard the program renders loads as a Grafana dashboard: Grafana's own
// dashboard model (the Grafana Foundation SDK's strict decoder and validation, built from Go
// modules by test/tools/build.sh) reads each one without a missing, mistyped or unknown field.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import { exampleStackConfig, exampleStacks, kubernetesObjects, minimalStack, ROOT, runProgram } from "../support/stacks";

function dashboardChecker(): string {
  try {
    return execFileSync("bash", [join(ROOT, "test", "tools", "build.sh"), "grafana-dashboard-check"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 600_000,
    }).trim();
  } catch (err) {
    throw new Error(
      `cannot build the Grafana dashboard checker (needs Go 1.22+ and the Go module proxy once; see test/tools/build.sh): ${(err as Error).message}`,
    );
  }
}

describe("Grafana dashboards, as Grafana's dashboard model reads them", function () {
  this.timeout(600_000);
  let checker: string;
  let work: string;
  before(() => {
    checker = dashboardChecker();
    work = mkdtempSync(join(tmpdir(), "grafana-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("every rendered dashboard ConfigMap holds a dashboard Grafana loads", async () => {
    const instance = {
      ...ALL_OPTIONS_INSTANCE,
      observability: { ...(ALL_OPTIONS_INSTANCE.observability as object), grafanaDashboard: { enabled: true } },
    };
    const stacks = [...exampleStacks().map((s) => exampleStackConfig(s)), minimalStack(instance)];
    const files: string[] = [];
    for (const raw of stacks) {
      for (const object of kubernetesObjects(await runProgram(raw))) {
        const labels = (object.metadata.labels ?? {}) as Record<string, string>;
        if (object.kind !== "ConfigMap" || labels.grafana_dashboard !== "1") continue;
        for (const [key, text] of Object.entries((object as unknown as { data: Record<string, string> }).data)) {
          const file = join(work, `${files.length}-${key}`);
          writeFileSync(file, text);
          files.push(file);
        }
      }
    }
    assert.ok(files.length >= 1, "the all-options instance renders a dashboard");
    const result = spawnSync(checker, files, { encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(
      result.stdout
        .trim()
        .split("\n")
        .filter((l) => /^OK .*: "OpenClaw .*", 4 panels$/.test(l)).length,
      files.length,
      result.stdout,
    );
  });

  it("the checker refuses a dashboard Grafana would not load (an unknown panel field, a missing required field)", () => {
    const bad = join(work, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        uid: "x",
        title: "x",
        schemaVersion: 39,
        templating: { list: [] },
        annotations: { list: [] },
        panels: [{ id: 1, type: "timeseries", title: "x", gridPos: { h: 8, w: 12, x: 0, y: 0 }, colour: "red" }],
      }),
    );
    const missing = join(work, "missing.json");
    writeFileSync(missing, JSON.stringify({ uid: "x", title: "x", templating: { list: [] }, annotations: { list: [] }, panels: [] }));
    const result = spawnSync(checker, [bad, missing], { encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /FAIL .*bad\.json: .*unexpected field 'colour'/);
    assert.match(result.stdout, /FAIL .*missing\.json: schemaVersion: required field is missing/);
  });
});
