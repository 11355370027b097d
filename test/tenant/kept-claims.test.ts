import { strict as assert } from "node:assert";
import { keptNamespaceMessage } from "../../components/lifecycle-hooks/register";
import { KEPT_ON_REMOVAL_ANNOTATION } from "../../components/builders/tenant/namespace";
import { rawConfig, runProgram } from "../support/stacks";

function stack(instances: Record<string, unknown>) {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { enabled: false },
    defaults: { image: { tag: "2026.11.1" } },
    tenants: { acme: { instances } },
  });
}

async function namespaceOf(instances: Record<string, unknown>) {
  const registrations = await runProgram(stack(instances));
  const ns = registrations.find((r) => r.type === "kubernetes:core/v1:Namespace");
  assert.ok(ns, "no Namespace");
  return {
    retainOnDelete: ns.retainOnDelete,
    annotations: (ns.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {},
  };
}

/**
 * Deleting a Namespace deletes every claim in it, so a removed tenant with
 * claims that are promised to outlive it (orphan, the default, or an
 * existing claim) keeps its Namespace, and says which claims it holds.
 */
describe("a removed tenant keeps the claims it promised to keep", () => {
  it("keeps the Namespace when a claim is kept (the default), and marks it for the hook that names the claims", async () => {
    const ns = await namespaceOf({ bot: {}, web: { workspaceVolume: { enabled: true } } });
    assert.equal(ns.retainOnDelete, true);
    assert.equal(ns.annotations[KEPT_ON_REMOVAL_ANNOTATION], "true");
  });

  it("lists kept claims by their names: volumes kept on removal, workspace volumes and existing claims", async () => {
    const { keptClaims } = await import("../../components/builders/tenant/kept-claims");
    const { loadFleetConfig } = await import("../../components/validation/load");
    const model = loadFleetConfig(
      stack({
        bot: {},
        web: { workspaceVolume: { enabled: true } },
        old: { persistence: { existingClaim: "legacy-state", orphan: false } },
        gone: { persistence: { orphan: false } },
      }),
    );
    const [tenant] = model.tenants;
    assert.ok(tenant, "the stack has a tenant");
    assert.deepEqual(keptClaims(tenant).sort(), ["bot-data", "legacy-state", "web-data", "web-workspace"]);
  });

  it("keeps it for an existing claim, which the program never deletes", async () => {
    const ns = await namespaceOf({ bot: { persistence: { existingClaim: "legacy-state", orphan: false } } });
    assert.equal(ns.retainOnDelete, true);
    assert.equal(ns.annotations[KEPT_ON_REMOVAL_ANNOTATION], "true");
  });

  it("deletes it when no claim is to be kept", async () => {
    const ns = await namespaceOf({ bot: { persistence: { orphan: false } }, web: { persistence: { enabled: false } } });
    assert.equal(ns.retainOnDelete, false);
    assert.equal(ns.annotations[KEPT_ON_REMOVAL_ANNOTATION], undefined);
  });

  it("tells how to remove the kept namespace once the data is no longer wanted", () => {
    assert.match(
      keptNamespaceMessage("openclaw-acme", ["bot-data"]),
      /namespace openclaw-acme is kept, with its claims bot-data .*kubectl delete namespace openclaw-acme$/,
    );
  });
});
