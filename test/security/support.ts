import assert from "node:assert/strict";
import type { RawStackConfig } from "../../components/config/load";
import { configProblems as problems, rawConfig } from "../support/stacks";

/** Tenant `acme` with instances `bot` and `support` (`bot`'s settings from the test), no backups unless `extra` adds them. */
export function twoInstances(
  bot: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  support: Record<string, unknown> = {},
): RawStackConfig {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { enabled: false },
    defaults: { image: { tag: "2026.11.1" } },
    tenants: { acme: { instances: { bot, support } } },
    ...extra,
  });
}

export function assertRefused(raw: RawStackConfig, path: string, fragment: string | RegExp): void {
  const found = problems(raw);
  const matches = (p: string) => p.startsWith(`${path}: `) && (typeof fragment === "string" ? p.includes(fragment) : fragment.test(p));
  assert.ok(found.some(matches), `expected a problem at ${path} matching ${String(fragment)}; got:\n  ${found.join("\n  ") || "(none)"}`);
}

export function assertAccepted(raw: RawStackConfig): void {
  const found = problems(raw);
  assert.deepEqual(found, [], `expected no problems; got:\n  ${found.join("\n  ")}`);
}
