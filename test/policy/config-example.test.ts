import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { policies } from "../../policy/policies";
import { ROOT } from "../support/stacks";

describe("policy/config.example.json", () => {
  const config = JSON.parse(readFileSync(join(ROOT, "policy", "config.example.json"), "utf8")) as Record<string, Record<string, unknown>>;

  it("configures only policies of the pack, each valid against its configSchema", () => {
    const ajv = new Ajv({ strict: false });
    for (const [name, settings] of Object.entries(config)) {
      const policy = policies.find((p) => p.name === name);
      assert.ok(policy?.configSchema !== undefined, `${name} is not a configurable policy of the pack`);
      const validate = ajv.compile({ type: "object", properties: policy.configSchema.properties, additionalProperties: false });
      assert.ok(validate(settings), `${name}: ${ajv.errorsText(validate.errors)}`);
    }
  });
});
