/**
 * When a CronJob schedule fires next, as Kubernetes' controller reads it
 * (5 fields, names, ranges, steps, lists; day-of-month and day-of-week OR'd
 * when both are restricted; descriptors), in UTC or an IANA time zone. Only
 * for the status report; the schedules themselves were validated by config.
 */

interface Spec {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domAny: boolean;
  dowAny: boolean;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function field(text: string, min: number, max: number, names?: readonly string[]): Set<number> {
  const value = (s: string) => {
    const named = names?.indexOf(s.toUpperCase()) ?? -1;
    return named >= 0 ? named + min : Number(s);
  };
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    if (range === undefined) throw new Error(`not a cron field: ${text}`);
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, upTo] = range === "*" || range === "?" ? [min, max] : range.split("-").map(value);
    if (from === undefined) throw new Error(`not a cron field: ${text}`);
    // `5/15` means from 5 to the end, every 15.
    const to = upTo ?? (stepText === undefined ? from : max);
    for (let v = from; v <= to; v += step) out.add(v === 7 && max === 6 ? 0 : v);
  }
  return out;
}

export function parseCron(expression: string): Spec {
  const fields = (DESCRIPTORS[expression.trim().toLowerCase()] ?? expression).trim().split(/\s+/);
  const [mi, h, dom, mo, dow, ...extra] = fields;
  if (mi === undefined || h === undefined || dom === undefined || mo === undefined || dow === undefined || extra.length > 0) {
    throw new Error(`not a 5-field cron expression: ${expression}`);
  }
  return {
    minute: field(mi, 0, 59),
    hour: field(h, 0, 23),
    dom: field(dom, 1, 31),
    month: field(mo, 1, 12, MONTHS),
    dow: field(dow, 0, 6, DAYS),
    domAny: dom === "*" || dom === "?",
    dowAny: dow === "*" || dow === "?",
  };
}

interface Local {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

function localFields(timeZone: string | undefined): (ms: number) => Local {
  if (timeZone === undefined) {
    return (ms) => {
      const d = new Date(ms);
      return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
    };
  }
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    minute: "numeric",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    weekday: "short",
  });
  return (ms) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return {
      minute: Number(parts.minute),
      hour: Number(parts.hour),
      day: Number(parts.day),
      month: Number(parts.month),
      weekday: DAYS.indexOf(String(parts.weekday).toUpperCase()),
    };
  };
}

/** The next `count` fire times strictly after `afterMs` (at most a year and a day ahead). */
export function nextRuns(expression: string, afterMs: number, count: number, timeZone?: string): number[] {
  const spec = parseCron(expression);
  const local = localFields(timeZone);
  const runs: number[] = [];
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const end = afterMs + 367 * 24 * 3_600_000;
  while (runs.length < count && t <= end) {
    const l = local(t);
    const dayOk =
      spec.domAny || spec.dowAny ? spec.dom.has(l.day) && spec.dow.has(l.weekday) : spec.dom.has(l.day) || spec.dow.has(l.weekday);
    if (!spec.month.has(l.month) || !dayOk) {
      t += ((23 - l.hour) * 60 + (60 - l.minute)) * 60_000; // to the next local midnight (DST-safe enough: we re-check)
      continue;
    }
    if (!spec.hour.has(l.hour)) {
      t += (60 - l.minute) * 60_000;
      continue;
    }
    if (spec.minute.has(l.minute)) runs.push(t);
    t += 60_000;
  }
  return runs;
}

/** The schedule's interval around `atMs`: the gap between its next two runs. */
export function scheduleInterval(expression: string, atMs: number, timeZone?: string): number | undefined {
  const [a, b] = nextRuns(expression, atMs, 2, timeZone);
  return a !== undefined && b !== undefined ? b - a : undefined;
}
