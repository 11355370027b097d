// Small, dependency-free statistics and formatting for the benchmark tables.

/** Median of a non-empty sample (the mean of the middle pair for even sizes). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  const lower = sorted.length % 2 === 1 ? upper : sorted[mid - 1];
  if (upper === undefined || lower === undefined) throw new Error("median: index out of range");
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

/** Smallest and largest value, to show the spread next to a median. */
export function range(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? Number.POSITIVE_INFINITY : numerator / denominator;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** "1.23×" style ratio; "∞" when the denominator is zero. */
export function formatRatio(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}×` : "∞";
}

export function formatPercent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

/** A median with its spread, e.g. "1.20 s (1.10–1.31)". */
export function formatMedianMs(values: readonly number[]): string {
  const { min, max } = range(values);
  return values.length > 1 ? `${formatMs(median(values))} (${formatMs(min)}–${formatMs(max)})` : formatMs(median(values));
}
