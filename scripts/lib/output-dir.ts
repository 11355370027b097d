import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RenderInputError } from "./render-stack";

/** The file a render leaves in its output folder, so that the next render knows the folder is its own. */
export const RENDER_MARKER = ".openclaw-fleet-render";
/** What a render writes into its folder; nothing else there is ever deleted. */
const RENDERED_ENTRIES = ["manifests", "resources.json", RENDER_MARKER];

/** Throws unless `dir` is new, empty, or holds only what a render wrote; checked before rendering, so a refusal is quick. */
export function checkOutputDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new RenderInputError(`--out ${dir} is a file; name a new or empty folder`);
  const foreign = readdirSync(dir).filter((entry) => !RENDERED_ENTRIES.includes(entry));
  if (foreign.length > 0) {
    throw new RenderInputError(
      `--out ${dir} holds files a render did not write (${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ", …" : ""}); a render replaces its folder, so name a new or empty folder (e.g. out/<stack>)`,
    );
  }
}

/**
 * Makes `dir` ready for a render: creates it, or clears what a previous render wrote there.
 * A folder that holds anything else (the checkout, with `--out .`) is refused, never deleted.
 */
export function prepareOutputDir(dir: string): void {
  checkOutputDir(dir);
  if (existsSync(dir)) for (const entry of RENDERED_ENTRIES) rmSync(join(dir, entry), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RENDER_MARKER), "Written by `npm run render`: the next render replaces manifests/ and resources.json here.\n");
}
