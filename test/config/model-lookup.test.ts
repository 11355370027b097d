import { strict as assert } from "node:assert";
import { loadFleetConfig } from "../../components/validation/load";
import { findInstanceModel, findTenantModel } from "../../components/config/model";
import { rawConfig } from "../support/stacks";

describe("fleet model lookups", () => {
  const fleet = loadFleetConfig(
    rawConfig({
      cluster: { kubernetes: { renderYamlToDirectory: "out" } },
      backup: { enabled: false },
      defaults: { image: { tag: "2026.9.6" } },
      tenants: { acme: { instances: { bot: {}, web: {} } }, globex: { instances: { bot: { replicas: 0 } } } },
    }),
  );

  it("finds a tenant and an instance by name, the same objects the fleet holds", () => {
    assert.equal(
      findTenantModel(fleet, "globex"),
      fleet.tenants.find((t) => t.name === "globex"),
    );
    const bot = findInstanceModel(fleet, "globex", "bot");
    assert.equal(bot?.tenant, "globex");
    assert.equal(bot?.spec.replicas, 0, "same instance name in another tenant is a different instance");
    assert.equal(findInstanceModel(fleet, "acme", "web")?.name, "web");
  });

  it("answers undefined for a tenant or instance that is not in the config (e.g. one being deleted)", () => {
    assert.equal(findTenantModel(fleet, "initech"), undefined);
    assert.equal(findInstanceModel(fleet, "acme", "gone"), undefined);
    assert.equal(findInstanceModel(fleet, "acme/bot", ""), undefined, "keys cannot be forged by joining names differently");
  });
});
