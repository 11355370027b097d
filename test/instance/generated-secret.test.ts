import { strict as assert } from "node:assert";
import { runInNewContext } from "node:vm";
import { ALPHANUMERIC, generateSecretValue } from "../../components/instance/generated-secret";
import { findRegistration, minimalStack, runProgram } from "../support/stacks";

describe("GeneratedSecret: the gateway token and basic-auth password", () => {
  it("draws every character from the alphabet, at the requested length, differently each time", () => {
    const values = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const value = generateSecretValue({ length: 48, alphabet: ALPHANUMERIC });
      assert.equal(value.length, 48);
      assert.match(value, /^[A-Za-z0-9]{48}$/);
      values.add(value);
    }
    assert.equal(values.size, 50, "two of fifty 48-character values coincide");
  });

  it("uses the whole alphabet (no character left out by a biased draw)", () => {
    const seen = new Set(generateSecretValue({ length: 20_000, alphabet: ALPHANUMERIC }));
    assert.equal(seen.size, ALPHANUMERIC.length);
  });

  it("is registered as a secret output, and the serialized provider generates on its own", async () => {
    const registrations = await runProgram(minimalStack({}));
    const token = findRegistration(registrations, "pulumi-nodejs:dynamic/instance:GeneratedSecret", "acme/bot-gateway-token");
    assert.deepEqual({ length: token.inputs.length, alphabet: token.inputs.alphabet }, { length: 48, alphabet: ALPHANUMERIC });
    // As the engine's dynamic provider host loads it: a module with `exports` and `require`, and nothing else.
    type Provider = {
      create(inputs: unknown): Promise<{ outs: { value: string } }>;
      diff(id: string, olds: unknown, news: unknown): Promise<{ changes: boolean; replaces: string[] }>;
    };
    const module = { exports: {} as { handler?: () => Provider } };
    runInNewContext(String(token.inputs.__provider), { exports: module.exports, module, require });
    assert.ok(module.exports.handler, "serialized provider has no handler");
    const provider = module.exports.handler();
    const { outs } = await provider.create({ length: 48, alphabet: ALPHANUMERIC });
    assert.match(outs.value, /^[A-Za-z0-9]{48}$/);
    // Objects from the provider's own context: compared as JSON.
    const diff = async (news: unknown): Promise<unknown> =>
      JSON.parse(JSON.stringify(await provider.diff("id", { length: 48, alphabet: ALPHANUMERIC }, news)));
    assert.deepEqual(await diff({ length: 48, alphabet: ALPHANUMERIC }), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await diff({ length: 64, alphabet: ALPHANUMERIC }), {
      changes: true,
      replaces: ["length"],
      deleteBeforeReplace: false,
    });
  });
});
