import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { loadFleetConfig, type RawStackConfig } from "../../components/validation/load";
import { program } from "../../components/program/program";
import { isKubernetesObject, manifestOf, manifestPath, redact, toStableJson, toYaml } from "./manifests";
import { runWithMocks, type Registration } from "./mock-runtime";
import { offlineLookups } from "./offline-lookups";
import { readStackFile } from "./stack-file";

export const PROJECT = "openclaw-fleet";

export interface RenderedStack {
  /** Relative path → file contents, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly registrations: readonly Registration[];
  readonly summary: string;
}

/** A stack that cannot be rendered for a reason the user fixes (no such stack file): one clear line, no stack trace. */
export class RenderInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderInputError";
  }
}

/** The stacks whose files are in `dir` (`Pulumi.<stack>.yaml`). */
export function knownStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Renders a stack file to manifests (pure: writes nothing). Throws ConfigError on bad config, StackFileError on bad YAML. */
export async function renderStack(configPath: string, stack: string): Promise<RenderedStack> {
  if (!existsSync(configPath)) {
    const known = knownStacks(dirname(configPath));
    throw new RenderInputError(
      `no stack "${stack}": ${configPath} does not exist (stacks in ${dirname(configPath)}: ${known.join(", ") || "none"}; or pass --config <file>)`,
    );
  }
  return renderConfig(readStackFile(configPath, PROJECT), stack);
}

/** Renders a stack config as read (pure: writes nothing). Throws ConfigError on bad config. */
export async function renderConfig(raw: RawStackConfig, stack: string): Promise<RenderedStack> {
  // Validated first, so a bad config fails before the mock runtime starts, with every problem.
  const lookups = offlineLookups(loadFleetConfig(raw));
  const { registrations } = await runWithMocks(raw, program, { stack, invokes: lookups.invokes });
  const rendered = renderRegistrations(registrations, stack);
  return lookups.notes.length === 0 ? rendered : { ...rendered, summary: `${rendered.summary}\n${lookups.notes.join("\n")}` };
}

export function renderRegistrations(registrations: readonly Registration[], stack: string): RenderedStack {
  const files = new Map<string, string>();
  const others: { type: string; name: string; inputs: unknown }[] = [];
  const counts = new Map<string, number>();
  for (const r of registrations) {
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    if (isKubernetesObject(r)) {
      const manifest = manifestOf(r);
      const path = `manifests/${manifestPath(manifest)}`;
      if (files.has(path)) throw new Error(`two Kubernetes objects render to ${path}`);
      files.set(path, toYaml(manifest));
    } else {
      others.push({ type: r.type, name: r.name, inputs: redact(r.inputs) });
    }
  }
  others.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  files.set("resources.json", toStableJson(others));
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lines = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `  ${String(n).padStart(4)}  ${type}`);
  const summary = `stack ${stack}: ${registrations.length} resources\n${lines.join("\n")}`;
  return { files: sorted, registrations, summary };
}
