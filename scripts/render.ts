/**
 * `npm run render -- <stack> [--config <file>] [--out <dir>]`
 *
 * Evaluates the real program under Pulumi's mock runtime with a stack's config
 * and writes the plan: one YAML file per Kubernetes object and a JSON list of
 * every other resource, secrets redacted. No credentials, no Pulumi CLI.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config/problems";
import { renderStack } from "./lib/render-stack";

const PROJECT_ROOT = resolve(__dirname, "..");

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write("usage: npm run render -- <stack> [--config <Pulumi.<stack>.yaml>] [--out <dir>]\n");
    return values.help ? 0 : 2;
  }
  const stack = positionals[0];
  const configPath = resolve(values.config ?? join(PROJECT_ROOT, "stacks", `Pulumi.${stack}.yaml`));
  const outDir = resolve(values.out ?? join(PROJECT_ROOT, "out", stack));

  let rendered;
  try {
    rendered = await renderStack(configPath, stack);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  rmSync(outDir, { recursive: true, force: true });
  for (const [path, text] of rendered.files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  process.stdout.write(`${rendered.summary}\nwrote ${rendered.files.size} files to ${outDir}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`render failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
