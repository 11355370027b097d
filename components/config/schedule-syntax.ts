/**
 * Backup schedules as people write them: a 5-field cron expression, a cron
 * descriptor (`@daily`), or a period shorthand (`6h`, `1d`, `7d`). Shorthands
 * become cron with a minute (and hour, weekday) derived from the instance, so
 * that a fleet's backups spread over the period instead of hitting the store
 * at the same second. Pure functions: validation for the config loader and
 * conversion for the CronJob builder share one grammar.
 */
import { createHash } from "node:crypto";

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

// The fields and bounds Kubernetes' CronJob controller accepts (robfig/cron, standard parser).
const FIELDS: readonly [Field, Field, Field, Field, Field] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

const SHORTHAND = /^(\d+)([mhdw])$/;
const MINUTE_PERIODS = [5, 10, 15, 20, 30, 60];
const HOUR_PERIODS = [1, 2, 3, 4, 6, 8, 12, 24];

const HINT = 'write 5 cron fields (e.g. "30 2 * * *"), a descriptor (@daily) or a period (15m, 6h, 1d, 7d)';

/** One value of a field: a number in range or, where the field has them, a name (JAN, MON). */
function fieldValue(text: string, field: Field): number | string {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${field.names ? ` or a name (${field.names[0]}…)` : ""}`;
  const n = Number(text);
  if (n < field.min || n > field.max) return `${n} is out of range ${field.min}-${field.max}`;
  return n;
}

/** Problems of one cron field (`*`, `a`, `a-b`, with `/step`, comma lists); empty when valid. */
function fieldProblem(text: string, field: Field): string | undefined {
  for (const part of text.split(",")) {
    const [range, step, ...extra] = part.split("/");
    if (extra.length > 0 || range === undefined || range === "") return `"${part}" is not a valid ${field.name}`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0))
      return `step "${step}" of the ${field.name} must be a positive number`;
    if (range === "*" || (range === "?" && (field.name === "day of month" || field.name === "day of week"))) continue;
    const [from, to, ...more] = range.split("-");
    if (more.length > 0 || from === undefined) return `"${range}" is not a valid ${field.name} range`;
    const a = fieldValue(from, field);
    if (typeof a === "string") return `${field.name}: ${a}`;
    if (to !== undefined) {
      const b = fieldValue(to, field);
      if (typeof b === "string") return `${field.name}: ${b}`;
      if (b < a) return `${field.name} range "${range}" ends before it starts`;
    }
  }
  return undefined;
}

/**
 * Why `schedule` is not a valid backup schedule, or undefined when it is.
 * The message is a sentence fragment that says how to fix it.
 */
export function scheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text === "") return `is empty; ${HINT}`;
  if (/^(CRON_)?TZ=/i.test(text)) return `must not carry a time zone; set backup.timeZone (e.g. Europe/Berlin) instead`;
  if (text.startsWith("@")) {
    if ((DESCRIPTORS as readonly string[]).includes(text.toLowerCase())) return undefined;
    if (text.toLowerCase().startsWith("@every"))
      return `"${text}" is not supported by Kubernetes CronJobs; use a period such as 6h instead`;
    return `"${text}" is not a cron descriptor; use one of ${DESCRIPTORS.join(", ")}`;
  }
  const [, count, unit] = SHORTHAND.exec(text) ?? [];
  if (count !== undefined && unit !== undefined) return periodProblem(Number(count), unit);
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(text)) return `"${text}" is not a period we understand; ${HINT}`;
  const fields = text.split(/\s+/);
  if (fields.length !== FIELDS.length)
    return `"${text}" has ${fields.length} field(s), cron needs 5 (minute hour day-of-month month day-of-week); or ${HINT}`;
  for (const [i, field] of FIELDS.entries()) {
    // The lengths match (checked above); an empty field would be refused anyway.
    const problem = fieldProblem(fields[i] ?? "", field);
    if (problem !== undefined) return `"${text}": ${problem}`;
  }
  return neverFires(fields)
    ? `"${text}" never fires: no month has that day (e.g. 30 February, 31 April); pick a day every chosen month has (1-28 exists in every month)`
    : undefined;
}

/** The values a valid field stands for. */
function fieldValues(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    // Only called on valid fields: each part has a range, each range a start.
    const [range = "", step] = part.split("/");
    const [from = "", to] = range === "*" || range === "?" ? [String(field.min), String(field.max)] : range.split("-");
    const a = fieldValue(from, field) as number;
    const b = to !== undefined ? (fieldValue(to, field) as number) : step !== undefined ? field.max : a;
    for (let v = a; v <= b; v += step !== undefined ? Number(step) : 1) values.add(v);
  }
  return values;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A valid cron expression whose days of month exist in none of its months (and the weekday does not widen it). */
function neverFires(fields: readonly string[]): boolean {
  const [, , dom, month, dow] = fields;
  // With a day of week as well, cron fires on either; with * or ? the day of month alone decides.
  if (dom === undefined || month === undefined || !(dow === "*" || dow === "?") || dom === "*" || dom === "?") return false;
  const days = fieldValues(dom, FIELDS[2]);
  const months = fieldValues(month, FIELDS[3]);
  return ![...months].some((m) => {
    const monthDays = DAYS_IN_MONTH[m - 1];
    return monthDays !== undefined && [...days].some((d) => d <= monthDays);
  });
}

function periodProblem(n: number, unit: string): string | undefined {
  const ok =
    (unit === "m" && MINUTE_PERIODS.includes(n)) ||
    (unit === "h" && HOUR_PERIODS.includes(n)) ||
    (unit === "d" && (n === 1 || n === 7)) ||
    (unit === "w" && n === 1);
  if (ok) return undefined;
  return `"${n}${unit}" does not divide a day or a week evenly; use ${MINUTE_PERIODS.slice(0, -1).join("m, ")}m, ${HOUR_PERIODS.slice(0, -1).join("h, ")}h, 1d or 7d, or a cron expression`;
}

/** True for a time zone name the CronJob controller can load (IANA, e.g. Europe/Berlin, Etc/UTC). */
export function isTimeZone(name: string): boolean {
  // The controller loads zones from the tz database by name; "Local" and offsets are rejected by the API.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) || name === "Local") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A number in [0, modulo) derived from `seed`, stable across runs and machines. */
function spread(seed: string, salt: string, modulo: number): number {
  return createHash("sha256").update(`${salt}\0${seed}`).digest().readUInt32BE(0) % modulo;
}

/**
 * The cron expression for a valid schedule. Periods are spread by `seed`
 * (use `<tenant>/<instance>`): `6h` for one instance may be `17 2-23/6 * * *`.
 * Cron expressions and descriptors pass through unchanged.
 */
export function toCron(schedule: string, seed: string): string {
  const text = schedule.trim();
  const problem = scheduleProblem(text);
  if (problem !== undefined) throw new Error(`invalid schedule: ${problem}`);
  const shorthand = SHORTHAND.exec(text);
  if (shorthand === null) return text.startsWith("@") ? text.toLowerCase() : text.split(/\s+/).join(" ");
  const n = Number(shorthand[1]);
  const unit = shorthand[2];
  const minute = spread(seed, "minute", 60);
  if (unit === "m") {
    if (n === 60) return `${minute} * * * *`;
    const offset = minute % n;
    return `${offset}-59/${n} * * * *`;
  }
  if (unit === "h") {
    if (n === 1) return `${minute} * * * *`;
    const hour = spread(seed, "hour", n);
    return n === 24 ? `${minute} ${hour} * * *` : `${minute} ${hour}-23/${n} * * *`;
  }
  const hour = spread(seed, "hour", 24);
  if (unit === "d" && n === 1) return `${minute} ${hour} * * *`;
  return `${minute} ${hour} * * ${spread(seed, "weekday", 7)}`;
}
