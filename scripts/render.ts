/**
 * `npm run render -- <stack> [--config <file>] [--out <dir>]`
 *
 * Evaluates the real program under Pulumi's mock runtime with a stack's config
 * and writes the plan: one YAML file per Kubernetes object and a JSON list of
 * every other resource, secrets redacted. No credentials, no Pulumi CLI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config/problems";
import { StackFileError } from "../components/config/stack-file";
import { checkOutputDir, prepareOutputDir } from "./lib/output-dir";
import { renderStack, RenderInputError } from "./lib/render-stack";

const PROJECT_ROOT = resolve(__dirname, "..");
const USAGE = "usage: npm run render -- <stack> [--config <Pulumi.<stack>.yaml>] [--out <dir>]";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { config: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [stack, ...extra] = positionals;
  if (values.help || stack === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const configPath = resolve(values.config ?? join(PROJECT_ROOT, "stacks", `Pulumi.${stack}.yaml`));
  const outDir = resolve(values.out ?? join(PROJECT_ROOT, "out", stack));

  try {
    checkOutputDir(outDir);
    const rendered = await renderStack(configPath, stack);
    prepareOutputDir(outDir);
    for (const [path, text] of rendered.files) {
      mkdirSync(dirname(join(outDir, path)), { recursive: true });
      writeFileSync(join(outDir, path), text);
    }
    process.stdout.write(`${rendered.summary}\nwrote ${rendered.files.size} files to ${outDir}\n`);
    return 0;
  } catch (err) {
    // Mistakes in the input are one clear message; anything else is a bug and keeps its stack trace.
    if (err instanceof ConfigError || err instanceof StackFileError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (err instanceof RenderInputError) {
      process.stderr.write(`render: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`render failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
