import { strict as assert } from "node:assert";
import { selectorMatches } from "../../policy/lib/kubernetes";
import { instancesHaveNetworkPolicy } from "../../policy/rules/network-policy";
import { changed, devRegistrations, first, swapped } from "./fixtures";
import { evaluate } from "./harness";

const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("policy instance-network-policy", () => {
  it("implements LabelSelector semantics", () => {
    const labels = { app: "openclaw", tier: "gateway" };
    assert.ok(selectorMatches({}, labels), "an empty selector selects every pod");
    assert.ok(
      selectorMatches(
        { matchLabels: { app: "openclaw" }, matchExpressions: [{ key: "tier", operator: "In", values: ["gateway"] }] },
        labels,
      ),
    );
    assert.ok(!selectorMatches({ matchLabels: { app: "other" } }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["gateway"] }] }, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels));
    assert.ok(!selectorMatches(undefined, labels));
  });

  it("covers backup pods too: without NetworkPolicies, every instance's StatefulSet and CronJob is reported", async () => {
    const base = await devRegistrations();
    const violations = await evaluate(
      instancesHaveNetworkPolicy,
      base.filter((r) => r.type !== NETPOL),
    );
    const kinds = new Set(violations.map((v) => v.message.split(" ")[0]));
    assert.ok(kinds.has("StatefulSet") && kinds.has("CronJob"), JSON.stringify([...kinds]));
  });

  it("fires when the instance's policies restrict ingress only", async () => {
    const base = await devRegistrations();
    const selecting = base.filter((r) => r.type === NETPOL);
    const ingressOnly = selecting.reduce(
      (regs, p) => swapped(regs, p, changed(p, [["spec", "policyTypes"], ["Ingress"]], [["spec", "egress"], undefined])),
      base,
    );
    const violations = await evaluate(instancesHaveNetworkPolicy, ingressOnly);
    assert.ok(violations.length > 0 && violations.every((v) => /do not restrict Egress/.test(v.message)), JSON.stringify(violations));
  });

  it("fires when the policy selects other pods", async () => {
    const base = await devRegistrations();
    const policy = first(base, NETPOL);
    const violations = await evaluate(
      instancesHaveNetworkPolicy,
      swapped(base, policy, changed(policy, [["spec", "podSelector"], { matchLabels: { app: "nothing" } }])),
    );
    assert.ok(violations.length > 0, "a policy selecting no instance pod must not count");
  });

  it("lets config exempt instances", async () => {
    const base = (await devRegistrations()).filter((r) => r.type !== NETPOL);
    assert.deepEqual(await evaluate(instancesHaveNetworkPolicy, base, { exempt: ["*/*"] }), []);
  });
});
