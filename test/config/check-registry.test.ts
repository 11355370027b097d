import { strict as assert } from "node:assert";
import { modelFleetConfig, type RawStackConfig } from "../../components/config/load";
import { ConfigError, type ConfigProblem } from "../../components/config/problems";
import { CONFIG_CHECKS, type CheckExample, type ConfigCheck } from "../../components/validation/checks";
import { loadFleetConfig } from "../../components/validation/load";
import { backupStack } from "../backup-k8s/fixtures";
import { minimalStack, rawConfig } from "../support/stacks";

/** The stacks an example starts from (CheckExample.base); each loads clean. */
const BASES: Record<NonNullable<CheckExample["base"]>, () => RawStackConfig> = {
  minimal: () => minimalStack(),
  backup: () => backupStack(),
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `patch` over `base`: objects key by key, anything else replaced, `undefined` removes the key. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = merge(base[key], value);
  }
  return out;
}

/** The base stack with the example merged in, as Pulumi would hand it to the program. */
function exampleStack(example: CheckExample): RawStackConfig {
  const base = BASES[example.base ?? "minimal"]();
  const values = merge(base.values, example.config) as Record<string, unknown>;
  const secretKeys = example.secretKeys ?? [...base.secretKeys].filter((key) => key in values);
  return { ...rawConfig(values, [...secretKeys]), ...(example.foreignKeys !== undefined ? { foreignKeys: [...example.foreignKeys] } : {}) };
}

function problemsOf(load: () => unknown): readonly ConfigProblem[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

function matches(problem: ConfigProblem, example: CheckExample): boolean {
  const message = example.message;
  return problem.path === example.path && (typeof message === "string" ? problem.message.includes(message) : message.test(problem.message));
}

function kinds(check: ConfigCheck): string[] {
  return (["settings", "backupSettings", "stack", "instance"] as const).filter((kind) => check[kind] !== undefined);
}

describe("the config check registry", () => {
  it("has unique ids, in kebab case", () => {
    const ids = CONFIG_CHECKS.map((c) => c.id);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
    for (const id of ids) assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it("says what each check refuses in one sentence, to follow 'refuses' in docs/config.md", () => {
    for (const { id, refuses } of CONFIG_CHECKS) {
      assert.ok(refuses.length > 20, `${id}: say what it refuses`);
      assert.match(refuses, /^[^A-Z\s]/, `${id}: continues "refuses …", so it starts in lower case`);
      assert.doesNotMatch(refuses, /[.!?]$/, `${id}: docs/config.md ends the sentence`);
      assert.doesNotMatch(refuses, /[.!?;]\s+[A-Z]/, `${id}: one sentence`);
      assert.doesNotMatch(refuses, /\n/, `${id}: one line`);
    }
  });

  it("gives each check one way to run", () => {
    for (const check of CONFIG_CHECKS)
      assert.ok(kinds(check).length >= 1, `${check.id} has no settings, backupSettings, stack or instance function`);
  });

  for (const [name, base] of Object.entries(BASES)) {
    it(`starts the examples from a stack that loads clean (${name})`, () => {
      assert.deepEqual(
        problemsOf(() => loadFleetConfig(base())),
        [],
      );
    });
  }

  for (const check of CONFIG_CHECKS) {
    it(`${check.id}: refuses its example, at its path, and only because of this check`, () => {
      const raw = exampleStack(check.example);
      const found = problemsOf(() => loadFleetConfig(raw));
      assert.ok(
        found.some((p) => matches(p, check.example)),
        `expected a problem at ${check.example.path} matching ${String(check.example.message)}, got:\n  ${found.map((p) => `${p.path}: ${p.message}`).join("\n  ") || "none"}`,
      );
      const without = problemsOf(() =>
        modelFleetConfig(
          raw,
          CONFIG_CHECKS.filter((c) => c !== check),
        ),
      );
      assert.ok(
        !without.some((p) => matches(p, check.example)),
        `the problem at ${check.example.path} is reported without ${check.id} too`,
      );
    });
  }
});
