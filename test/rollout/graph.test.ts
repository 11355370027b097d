import { strict as assert } from "node:assert";
import { rawConfig, runProgram } from "../support/stacks";
import type { Registration } from "../../scripts/lib/mock-runtime";

const STATEFULSET = "kubernetes:apps/v1:StatefulSet";

function fleetStack(rollout: Record<string, unknown>) {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { enabled: false },
    defaults: { image: { tag: "2026.11.1" } },
    rollout,
    tenants: { acme: { instances: { a: {}, b: {}, c: {} } }, globex: { instances: { x: {} } } },
  });
}

/** `<tenant>/<instance>` → the instances whose StatefulSets its StatefulSet depends on. */
function workloadDependencies(registrations: readonly Registration[]): Map<string, string[]> {
  const workloads = registrations.filter((r) => r.type === STATEFULSET);
  const instanceOf = (name: string) => name.replace(/-statefulset$/, "");
  const names = new Set(workloads.map((w) => w.name));
  return new Map(
    workloads.map((w) => [
      instanceOf(w.name),
      (w.dependencies ?? [])
        .filter((d) => names.has(d))
        .map(instanceOf)
        .sort(),
    ]),
  );
}

/**
 * The order the engine sees: each StatefulSet depends on every StatefulSet of
 * the wave before it (Pulumi registers, and so updates and hooks, nothing
 * before its dependencies are done).
 */
describe("rollout waves in the resource graph", () => {
  it("chains each wave's StatefulSets to the previous wave's, and the first wave to none", async () => {
    const deps = workloadDependencies(await runProgram(fleetStack({ maxPerTenant: 1 })));
    // Waves: [acme/a, globex/x], [acme/b], [acme/c].
    assert.deepEqual(Object.fromEntries(deps), {
      "acme/a": [],
      "globex/x": [],
      "acme/b": ["acme/a", "globex/x"],
      "acme/c": ["acme/b"],
    });
  });

  it("with maxPerWave 1, a single chain: one instance at a time", async () => {
    const deps = workloadDependencies(await runProgram(fleetStack({ maxPerWave: 1 })));
    assert.deepEqual(Object.fromEntries(deps), { "acme/a": [], "globex/x": ["acme/a"], "acme/b": ["globex/x"], "acme/c": ["acme/b"] });
  });

  it("canaries go first, everything else waits for them", async () => {
    const deps = workloadDependencies(await runProgram(fleetStack({ canary: ["globex/x"], maxPerTenant: "100%" })));
    assert.deepEqual(Object.fromEntries(deps), { "globex/x": [], "acme/a": ["globex/x"], "acme/b": ["globex/x"], "acme/c": ["globex/x"] });
  });

  it("still depends on the instance's own prerequisites (namespace, config, claims)", async () => {
    const registrations = await runProgram(fleetStack({}));
    const sts = registrations.find((r) => r.type === STATEFULSET && r.name === "acme/b-statefulset");
    assert.ok(sts?.dependencies?.includes("acme-namespace"), `dependencies: ${sts?.dependencies?.join(", ")}`);
    assert.ok(sts?.dependencies?.includes("acme/b-config"));
  });
});
