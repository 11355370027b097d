import { strict as assert } from "node:assert";
import { policies } from "../../policy/policies";
import { isKubernetesObject, manifestOf } from "../../scripts/lib/manifests";
import type { Registration } from "../../scripts/lib/mock-runtime";
import { assertValidObject } from "../support/k8s-schema";
import { BAD_CASES } from "./bad-cases";
import { devRegistrations } from "./fixtures";
import { describeViolations, evaluate } from "./harness";

describe("policy pack: every policy fires on its bad case", () => {
  let base: Registration[];
  before(async () => {
    base = await devRegistrations();
  });

  it("holds the seven mandatory policies, with unique names and descriptions", () => {
    assert.deepEqual(policies.map((p) => p.name).sort(), [
      "backup-role-scoped",
      "backup-scheduled",
      "buckets-protected",
      "images-pinned",
      "instance-network-policy",
      "no-plaintext-secrets",
      "pods-restricted",
    ]);
    for (const policy of policies) {
      assert.equal(policy.enforcementLevel, "mandatory", `${policy.name} must be mandatory`);
      assert.ok(policy.description.length > 40, `${policy.name} needs a description that says what it checks`);
    }
  });

  it("has a bad case for every policy, and none for a policy that does not exist", () => {
    assert.deepEqual(Object.keys(BAD_CASES).sort(), policies.map((p) => p.name).sort());
  });

  for (const policy of policies) {
    const bad = BAD_CASES[policy.name];
    it(`${policy.name} fires on ${bad?.what ?? "(no bad case)"}`, async () => {
      assert.ok(bad !== undefined, `write a bad case for ${policy.name} in test/policy/bad-cases.ts`);
      assert.deepEqual(await evaluate(policy, base), [], `${policy.name} must pass on the unmodified dev stack first`);
      const violations = await evaluate(policy, bad.build(base));
      assert.ok(violations.length > 0, `${policy.name} did not fire on ${bad.what}`);
      assert.ok(
        violations.some((v) => bad.expect.test(v.message)),
        `${policy.name} fired, but not with ${bad.expect}:\n${describeViolations(violations)}`,
      );
    });
  }

  it("every bad Kubernetes object is still valid for the API server, so only the policy stands in its way", () => {
    for (const bad of Object.values(BAD_CASES)) {
      for (const r of bad.build(base).filter((x) => isKubernetesObject(x) && !base.includes(x))) assertValidObject(manifestOf(r, "reveal"));
    }
  });

  it("each bad case trips only its own policy, so each is a test of one rule", async () => {
    for (const [name, bad] of Object.entries(BAD_CASES)) {
      const registrations = bad.build(base);
      for (const other of policies.filter((p) => p.name !== name)) {
        const violations = await evaluate(other, registrations);
        assert.deepEqual(violations, [], `the bad case for ${name} also trips ${other.name}:\n${describeViolations(violations)}`);
      }
    }
  });
});
