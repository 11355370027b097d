import { strict as assert } from "node:assert";
import { rolloutSchema } from "../../components/config/rollout-schema";
import { rolloutWaves, tenantWaveCap } from "../../components/builders/rollout/waves";

const fleet = [
  { tenant: "globex", instances: ["x", "y"] },
  { tenant: "acme", instances: ["d", "a", "c", "b"] },
  { tenant: "solo", instances: ["only"] },
];
const waves = (rollout: Record<string, unknown>) => rolloutWaves(fleet, rolloutSchema.parse(rollout));

describe("rollout waves", () => {
  it("by default take at most a quarter of each tenant (rounded up, at least one) per wave", () => {
    assert.deepEqual(waves({}), [["acme/a", "globex/x", "solo/only"], ["acme/b", "globex/y"], ["acme/c"], ["acme/d"]]);
  });

  it("put the canaries first, in a wave of their own", () => {
    assert.deepEqual(waves({ canary: ["globex/y", "acme/c"], maxPerTenant: "100%" }), [
      ["acme/c", "globex/y"],
      ["acme/a", "acme/b", "acme/d", "globex/x", "solo/only"],
    ]);
  });

  it("cap a wave across the fleet: maxPerWave 1 is one instance at a time", () => {
    assert.deepEqual(
      waves({ maxPerWave: 1 }),
      ["acme/a", "globex/x", "solo/only", "acme/b", "globex/y", "acme/c", "acme/d"].map((k) => [k]),
    );
    assert.deepEqual(waves({ maxPerWave: 2, maxPerTenant: 2 }), [
      ["acme/a", "acme/b"],
      ["globex/x", "globex/y"],
      ["solo/only", "acme/c"],
      ["acme/d"],
    ]);
    // Tenants take turns: no tenant waits while another is drained.
    assert.deepEqual(waves({ maxPerWave: 2 }), [["acme/a", "globex/x"], ["solo/only", "acme/b"], ["globex/y", "acme/c"], ["acme/d"]]);
  });

  it("hold every instance exactly once, in no empty wave, whatever the caps", () => {
    for (const maxPerTenant of [1, 2, 3, "1%", "33%", "50%", "100%"]) {
      for (const maxPerWave of [undefined, 1, 2, 3, 7, 100]) {
        const plan = waves({ maxPerTenant, ...(maxPerWave !== undefined ? { maxPerWave } : {}), canary: ["solo/only"] });
        const flat = plan.flat();
        assert.equal(flat.length, 7);
        assert.equal(new Set(flat).size, 7);
        assert.ok(plan.every((w) => w.length > 0));
        assert.ok(plan.slice(1).every((w) => w.length <= (maxPerWave ?? Infinity)));
        for (const wave of plan.slice(1)) {
          const perTenant = new Map<string, number>();
          for (const key of wave) {
            const [tenant = ""] = key.split("/");
            perTenant.set(tenant, (perTenant.get(tenant) ?? 0) + 1);
          }
          for (const [tenant, count] of perTenant)
            assert.ok(
              count <=
                tenantWaveCap(rolloutSchema.parse({ maxPerTenant }).maxPerTenant, fleet.find((t) => t.tenant === tenant)!.instances.length),
            );
        }
      }
    }
  });

  it("per-tenant share: 25% of 4 is 1, of 1 is 1, 50% of 3 is 2", () => {
    assert.equal(tenantWaveCap("25%", 4), 1);
    assert.equal(tenantWaveCap("25%", 1), 1);
    assert.equal(tenantWaveCap("50%", 3), 2);
    assert.equal(tenantWaveCap(3, 10), 3);
  });
});
