import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { loadFleetConfig } from "../../components/validation/load";
import { unwrap } from "../../scripts/lib/mock-runtime";
import { rawConfig } from "../support/stacks";

describe("secret config values", () => {
  const raw = rawConfig({
    backup: {
      store: {
        kind: "s3Compatible",
        endpoint: "https://minio.example.com",
        bucket: "backups",
        credentials: { accessKeyId: { secretRef: "ak" }, secretAccessKey: { secretRef: "sk" } },
      },
    },
    defaults: { image: { tag: "2026.9.6" } },
    tenants: { acme: { instances: { bot: {} } } },
    secrets: { ak: "AKIAEXAMPLE", sk: "very-secret" },
  });

  it("resolve to secret Outputs holding the configured value", async () => {
    const model = loadFleetConfig(raw);
    const output = model.secrets.resolve({ secretRef: "sk" });
    assert.equal(await pulumi.isSecret(output), true);
    assert.equal(await unwrap(output), "very-secret");
  });

  it("never appear in the model in plain text", () => {
    const model = loadFleetConfig(raw);
    const { secrets: _resolver, ...rest } = model;
    const text = JSON.stringify(rest);
    assert.ok(!text.includes("very-secret"));
    assert.ok(!text.includes("AKIAEXAMPLE"));
  });
});
