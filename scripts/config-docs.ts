/**
 * `npm run docs:config [-- --check]`
 *
 * Regenerates the key tables of docs/config.md from the zod schemas of the
 * stack config, keeping the hand-written Example and Description cells.
 * With --check it changes nothing and exits 1 when the docs are out of date
 * or a key has no Description (CI and test/docs/config-docs.test.ts do the
 * same check).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_CHECKS } from "../components/validation/checks";
import { configSections, disagreements, regenerate, stackExamples, type DocSection } from "./lib/config-docs";
import { PROJECT } from "./lib/render-stack";
import { readStackFile } from "./lib/stack-file";

const ROOT = resolve(__dirname, "..");
export const CONFIG_DOC = join(ROOT, "docs", "config.md");

const CHECKS_BEGIN = "<!-- config-checks:begin -->\n";
const CHECKS_END = "<!-- config-checks:end -->";

/** The "What is refused" list: one line per registered config check, from its `refuses`. */
export function checksBlock(): string {
  return CONFIG_CHECKS.map((check) => `- **${check.id}** refuses ${check.refuses}.`).join("\n");
}

/** The document with its config-checks block rewritten from the registry. */
export function withChecksBlock(document: string): string {
  const begin = document.indexOf(CHECKS_BEGIN);
  const end = document.indexOf(CHECKS_END);
  if (begin < 0 || end < begin) throw new Error(`docs/config.md has no ${CHECKS_BEGIN.trim()} … ${CHECKS_END} block`);
  return `${document.slice(0, begin + CHECKS_BEGIN.length)}${checksBlock()}\n${document.slice(end)}`;
}

/** The sections with examples from stacks/Pulumi.*.yaml. */
export function sectionsWithExamples(): DocSection[] {
  const stacksDir = join(ROOT, "stacks");
  const stacks = readdirSync(stacksDir)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .sort()
    .map((f) => readStackFile(join(stacksDir, f), PROJECT).values);
  return configSections().map((section) => ({ ...section, examples: stackExamples(stacks, section) }));
}

function main(): number {
  const { values } = parseArgs({ options: { check: { type: "boolean" } } });
  const current = readFileSync(CONFIG_DOC, "utf8");
  const sections = sectionsWithExamples();
  if (values.check) {
    const problems = disagreements(current, sections);
    if (withChecksBlock(current) !== current) problems.push("the config-checks block (What is refused) differs from the registered checks");
    if (problems.length === 0) return 0;
    process.stderr.write(
      `docs/config.md disagrees with the config schema:\n  ${problems.join("\n  ")}\nrun: npm run docs:config, and write a Description for every key that has none\n`,
    );
    return 1;
  }
  const next = withChecksBlock(regenerate(current, sections));
  if (next !== current) writeFileSync(CONFIG_DOC, next);
  process.stdout.write(`${next === current ? "docs/config.md is up to date" : "updated docs/config.md"}\n`);
  return 0;
}

if (require.main === module) process.exit(main());
