/**
 * Durations as people write them in stack config (`30m`, `1h30m`, `24h`).
 * Pure; the config schema validates with it and the hooks wait with it.
 */

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds of `1h30m`-style text, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null || text.trim() === "") return undefined;
  const [, h, m, s] = match;
  return Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s;
}

/** `1h30m` from milliseconds (whole seconds), for messages. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const text = `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
  return text === "" ? "0s" : text;
}

/** Why `text` is not a duration within [min, max], or undefined when it is. */
export function durationProblem(text: string, minMs: number, maxMs: number): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return `${JSON.stringify(text)} is not a duration: write hours, minutes and seconds such as 30m, 1h30m or 2h`;
  if (ms < minMs || ms > maxMs)
    return `${JSON.stringify(text)} is outside the allowed range ${formatDuration(minMs)}..${formatDuration(maxMs)}`;
  return undefined;
}
