// Regenerates components/validation/openclaw-config.schema.json from the pinned OpenClaw release:
// `openclaw config schema` prints the JSON schema of openclaw.json for exactly that version. Run it
// after moving the pin (components/config/openclaw-release.ts + package.json): `npm run openclaw:schema`.
// A test compares the stored file with the installed release's output, so a stale one fails `npm test`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPENCLAW_SCHEMA_FILE } from "../components/validation/openclaw-config-schema";
import { makeOpenClawHome, openclawEnv, openclawRuntime, runOpenClaw } from "./lib/openclaw-cli";

/** The schema text `openclaw config schema` prints for the installed release. */
export async function printedSchema(): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), "openclaw-schema-"));
  try {
    const result = await runOpenClaw(["config", "schema"], openclawEnv(makeOpenClawHome(parent)), 120_000);
    if (result.code !== 0) throw new Error(`openclaw config schema exited ${result.code}:\n${result.stderr}`);
    JSON.parse(result.stdout);
    return result.stdout.endsWith("\n") ? result.stdout : `${result.stdout}\n`;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { version } = openclawRuntime();
  writeFileSync(OPENCLAW_SCHEMA_FILE, await printedSchema());
  process.stderr.write(`wrote ${OPENCLAW_SCHEMA_FILE} (OpenClaw ${version})\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
