import { existsSync } from "node:fs";
import { program } from "../../components/program";
import { isKubernetesObject, manifestOf, manifestPath, redact, toStableJson, toYaml } from "./manifests";
import { runWithMocks, type Registration } from "./mock-runtime";
import { readStackFile } from "./stack-file";

export const PROJECT = "openclaw-fleet";

export interface RenderedStack {
  /** Relative path → file contents, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly registrations: readonly Registration[];
  readonly summary: string;
}

/** Renders a stack file to manifests (pure: writes nothing). Throws ConfigError on bad config. */
export async function renderStack(configPath: string, stack: string): Promise<RenderedStack> {
  if (!existsSync(configPath)) throw new Error(`no stack config at ${configPath}`);
  const raw = readStackFile(configPath, PROJECT);
  const { registrations } = await runWithMocks(raw, program, { stack });
  return renderRegistrations(registrations, stack);
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
