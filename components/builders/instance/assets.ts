import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The scripts the instance's containers run, shipped in its ConfigMap. They
 * are constant files (inputs come from the environment), so a change to them
 * shows in the preview diff like any other change.
 */
export const BOOTSTRAP_SCRIPT = readFileSync(join(__dirname, "scripts", "bootstrap.mjs"), "utf8");
export const SKILLS_SCRIPT = readFileSync(join(__dirname, "scripts", "skills.mjs"), "utf8");
export const STATE_LAYOUT_SCRIPT = readFileSync(join(__dirname, "scripts", "state-layout.mjs"), "utf8");
export const BOOTSTRAP_FILE = "bootstrap.mjs";
export const STATE_LAYOUT_FILE = "state-layout.mjs";
export const SKILLS_FILE = "skills.mjs";
