// The config the program renders is the config the pinned OpenClaw accepts: OpenClaw's own
// `openclaw config validate` (the check the gateway runs before it starts) on the openclaw.json of
// every instance of every example stack and of the all-options instance, exactly as the ConfigMap
// holds it; the stored schema is the one the installed release prints; and the config-time check
// (config/openclaw-config-schema.ts) refuses what OpenClaw refuses, at the right config path.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepMerge } from "../../components/config/merge";
import { OPENCLAW_SCHEMA_FILE } from "../../components/validation/openclaw-config-schema";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { stableJson } from "../../components/builders/instance/openclaw-json";
import { makeOpenClawHome, openclawEnv, runOpenClaw } from "../../scripts/lib/openclaw-cli";
import { printedSchema } from "../../scripts/openclaw-schema";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import { exampleStackConfig, exampleStacks, kubernetesObjects, minimalStack, runProgram } from "../support/stacks";
import { problemsOf } from "../instance/support";

interface Validation {
  valid: boolean;
  issues: { path: string; message: string }[];
  stderr: string;
}

/** `openclaw config validate --json` on one openclaw.json, in a state dir of its own. */
async function openclawValidate(json: string): Promise<Validation> {
  const parent = mkdtempSync(join(tmpdir(), "openclaw-validate-"));
  try {
    const where = makeOpenClawHome(parent);
    writeFileSync(join(where.stateDir, "openclaw.json"), json, { mode: 0o600 });
    const result = await runOpenClaw(["config", "validate", "--json"], openclawEnv(where), 90_000);
    const out = JSON.parse(result.stdout) as { valid: boolean; issues?: { path: string; message: string }[] };
    assert.equal(result.code === 0, out.valid, `exit code ${result.code} disagrees with valid=${out.valid}: ${result.stdout}`);
    return { valid: out.valid, issues: out.issues ?? [], stderr: result.stderr };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/** Runs `work` over `items`, `limit` at a time (each OpenClaw process takes a core for seconds). */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return out;
}

/** Every openclaw.json the program renders into a ConfigMap (`managed.json` for configMapRef instances). */
async function renderedConfigs(raw: Parameters<typeof runProgram>[0]): Promise<{ name: string; json: string }[]> {
  const out: { name: string; json: string }[] = [];
  for (const object of kubernetesObjects(await runProgram(raw))) {
    if (object.kind !== "ConfigMap") continue;
    const data = (object as { data?: Record<string, string> }).data ?? {};
    for (const key of ["openclaw.json", "managed.json"]) {
      if (data[key] !== undefined) out.push({ name: `${object.metadata.namespace}/${object.metadata.name}/${key}`, json: data[key] });
    }
  }
  return out;
}

describe(`OpenClaw ${OPENCLAW_VERSION} accepts the config the program renders`, function () {
  this.timeout(300_000);

  it("stores the schema that `openclaw config schema` of the pinned release prints (regenerate: npm run openclaw:schema)", async () => {
    const printed = await printedSchema();
    assert.ok(
      readFileSync(OPENCLAW_SCHEMA_FILE, "utf8") === printed,
      `${OPENCLAW_SCHEMA_FILE} differs from the installed OpenClaw's schema: run \`npm run openclaw:schema\``,
    );
  });

  it("`openclaw config validate` passes the openclaw.json of every example stack's instance and of the all-options instance", async () => {
    const configs: { name: string; json: string }[] = [];
    for (const stack of exampleStacks())
      configs.push(...(await renderedConfigs(exampleStackConfig(stack))).map((c) => ({ ...c, name: `${stack}:${c.name}` })));
    configs.push(...(await renderedConfigs(minimalStack(ALL_OPTIONS_INSTANCE))).map((c) => ({ ...c, name: `all-options:${c.name}` })));
    assert.ok(configs.length >= 8, `expected every example instance, got ${configs.map((c) => c.name).join(", ")}`);
    assert.ok(
      configs.some((c) => (JSON.parse(c.json) as { browser?: unknown }).browser !== undefined),
      "the all-options instance wires the Chromium sidecar into openclaw.json",
    );
    // Many instances render the same file: each distinct one is validated once (an OpenClaw run takes seconds).
    const distinct = [...new Set(configs.map((c) => c.json))];
    const verdicts = new Map(await inBatches(distinct, 3, async (json) => [json, await openclawValidate(json)] as const));
    process.stderr.write(`      openclaw config validate: ${configs.length} rendered files (${distinct.length} distinct), all valid\n`);
    const refused = configs
      .filter((c) => !verdicts.get(c.json)?.valid)
      .map((c) => `${c.name}: ${JSON.stringify(verdicts.get(c.json)?.issues)}`);
    assert.deepEqual(refused, [], "OpenClaw refuses configs the program renders");
  });

  // Mistakes in a user's config.raw, all in one file: OpenClaw refuses exactly these keys, and so
  // does the stack config, each at its config path.
  const MISTAKES: { raw: Record<string, unknown>; path: string; message: RegExp }[] = [
    {
      raw: { tools: { web: { enabled: true } } },
      path: "tools.web.enabled",
      message: /unknown key in openclaw\.json; OpenClaw .* \(allowed here: fetch, search\)/,
    },
    { raw: { gateway: { bnid: "lan" } }, path: "gateway.bnid", message: /did you mean "bind"\?/ },
    { raw: { tool: {} }, path: "tool", message: /did you mean "tools"\?/ },
    { raw: { gateway: { port: "18789" } }, path: "gateway.port", message: /must be integer/ },
    { raw: { logging: { level: "loud" } }, path: "logging.level", message: /must be one of/ },
  ];

  it("refuses at config time exactly what OpenClaw refuses, each at the config path of the key", async () => {
    const raw = MISTAKES.reduce<Record<string, unknown>>((all, m) => deepMerge(all, m.raw) as Record<string, unknown>, {});
    // The program refuses this config, so it renders nothing: merge it over what it renders without it, as it would.
    const [managed] = await renderedConfigs(minimalStack({}));
    assert.ok(managed, "the program rendered a config");
    const openclaw = await openclawValidate(stableJson(deepMerge(JSON.parse(managed.json), raw)));
    assert.equal(openclaw.valid, false);
    // OpenClaw names an unknown key in the message, at its parent's path.
    const refusedByOpenClaw = openclaw.issues.map((i) => {
      const key = /^Unrecognized key: "(.+)"$/.exec(i.message)?.[1];
      return key === undefined ? i.path : i.path === "" || i.path === "<root>" ? key : `${i.path}.${key}`;
    });
    const prefix = "openclaw-fleet:tenants.acme.instances.bot.config.raw.";
    const problems = problemsOf({ config: { raw } });
    const refusedHere = problems.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length, p.indexOf(":", prefix.length)));
    assert.deepEqual(
      [...refusedHere].sort(),
      [...refusedByOpenClaw].sort(),
      `ours: ${problems.join(" | ")}\nOpenClaw's: ${JSON.stringify(openclaw.issues)}`,
    );
    assert.deepEqual([...refusedHere].sort(), MISTAKES.map((m) => m.path).sort());
    for (const m of MISTAKES) assert.match(problems.find((p) => p.startsWith(`${prefix}${m.path}:`)) ?? "", m.message);
    process.stderr.write(`      openclaw config validate refuses: ${openclaw.issues.map((i) => `${i.path}: ${i.message}`).join(" / ")}\n`);
  });

  it("reports a mistake inherited from defaults once, at defaults", () => {
    const problems = problemsOf({}, { defaults: { config: { raw: { gateway: { bnid: "lan" } } } } });
    assert.deepEqual(
      problems.filter((p) => p.includes("bnid")),
      [
        `openclaw-fleet:defaults.config.raw.gateway.bnid: unknown key in openclaw.json; OpenClaw ${OPENCLAW_VERSION} refuses it (did you mean "bind"?)`,
      ],
    );
  });
});
