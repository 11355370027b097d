/**
 * `backup.restoreFrom`: what a restore reads, in the three forms the config
 * accepts, normalized to one shape and to the engine's `OCB_RESTORE_FROM`
 * grammar (docs/backups.md). Pure; the config schema parses with it and the
 * restore Job builder renders from it, so both agree by construction.
 */
import { closestMatch } from "./validators";
import { SNAPSHOT_KINDS, type SnapshotKind } from "./engine-contract";

/** A snapshot written by this engine, by coordinates. `tenant` undefined = the restoring instance's own tenant. */
export interface SnapshotSource {
  readonly type: "snapshot";
  /** How the config wrote it: a path string or an object (for pointing problems at the right key). */
  readonly form: "path" | "object";
  /** The key prefix written in a path form (`backups/`); it must be the fleet's, which the loader checks. */
  readonly prefix?: string;
  readonly tenant?: string;
  readonly instance: string;
  /** Undefined with `latest`: the newest complete snapshot of any kind. */
  readonly kind?: SnapshotKind;
  /** `latest`, or a snapshot time as the engine names it (`20261122T035012Z`). */
  readonly snapshot: "latest" | string;
}

/** A folder of plain files (openclaw-operator, KubeClaw), bucket-relative, no slashes at the ends. */
export interface PlainSource {
  readonly type: "plain";
  readonly path: string;
}

export type RestoreSource = SnapshotSource | PlainSource;

/** One thing wrong with a `restoreFrom` value: the path below `restoreFrom` and a fix-it message. */
export interface RestoreSourceProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
// The engine's key-path alphabet: plain paths go into rclone remotes unquoted.
const KEY_SEGMENT = /^[A-Za-z0-9._=+:@-]+$/;

const FORMS =
  'use "<tenant>/<instance>/<kind>/<time>", "<tenant>/<instance>/[<kind>/]latest", { instance, tenant?, kind?, snapshot? } or { plain: <folder> }';

/** `20261122T035012Z` from that or from `2026-11-22T03:50:12Z`; undefined when neither or not a real time. */
export function snapshotStamp(text: string): string | undefined {
  const m = STAMP.exec(text) ?? ISO.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return real ? m.slice(1, 4).join("") + "T" + m.slice(4).join("") + "Z" : undefined;
}

function isKind(value: string): value is SnapshotKind {
  return (SNAPSHOT_KINDS as readonly string[]).includes(value);
}

function snapshotValue(text: string): string | undefined {
  return text === "latest" ? "latest" : snapshotStamp(text);
}

/** Parses the string form, which may start with a prefix (checked against the fleet's by the loader). */
function parsePath(text: string): RestoreSource | RestoreSourceProblem[] {
  const fail = (message: string): RestoreSourceProblem[] => [{ path: [], message }];
  if (text.startsWith("plain:")) return fail(`write a plain folder as { plain: "${text.slice(6)}" }`);
  const segments = text.replace(/^\/+|\/+$/g, "").split("/");
  // split() always yields at least one segment; an empty one is refused like any other non-time.
  const snapshot = snapshotValue(segments.at(-1) ?? "");
  if (snapshot === undefined)
    return fail(`${JSON.stringify(text)} does not end in "latest" or a snapshot time such as 20261122T035012Z; ${FORMS}`);
  let kind: SnapshotKind | undefined;
  let coordinates = segments.slice(0, -1);
  const maybeKind = coordinates[coordinates.length - 1];
  if (maybeKind !== undefined && isKind(maybeKind)) {
    kind = maybeKind;
    coordinates = coordinates.slice(0, -1);
  } else if (snapshot !== "latest") {
    return fail(`${JSON.stringify(text)} has no kind before its time (one of ${SNAPSHOT_KINDS.join(", ")}); ${FORMS}`);
  }
  const [tenant, instance] = coordinates.slice(-2);
  if (tenant === undefined || instance === undefined) return fail(`${JSON.stringify(text)} names no tenant and instance; ${FORMS}`);
  const prefixSegments = coordinates.slice(0, -2);
  if (!NAME.test(tenant) || !NAME.test(instance))
    return fail(`${JSON.stringify(text)}: "${tenant}/${instance}" is not a valid tenant/instance pair`);
  if (!prefixSegments.every((s) => KEY_SEGMENT.test(s))) return fail(`${JSON.stringify(text)} has an invalid prefix`);
  return {
    type: "snapshot",
    form: "path",
    ...(prefixSegments.length > 0 ? { prefix: `${prefixSegments.join("/")}/` } : {}),
    tenant,
    instance,
    ...(kind !== undefined ? { kind } : {}),
    snapshot,
  };
}

const OBJECT_KEYS = ["tenant", "instance", "kind", "snapshot"] as const;

function parseObject(value: Record<string, unknown>): RestoreSource | RestoreSourceProblem[] {
  if ("plain" in value) {
    const problems: RestoreSourceProblem[] = Object.keys(value)
      .filter((k) => k !== "plain")
      .map((k) => ({ path: [k], message: "unknown key; a plain source takes only { plain: <folder> }" }));
    const raw = value.plain;
    const path = typeof raw === "string" ? raw.replace(/^\/+|\/+$/g, "") : "";
    const segments = path.split("/");
    if (typeof raw !== "string" || path === "" || !segments.every((s) => KEY_SEGMENT.test(s) && s !== "." && s !== "..")) {
      problems.push({
        path: ["plain"],
        message: `${JSON.stringify(raw)} is not a bucket-relative folder: use segments of letters, digits and ._=+:@- separated by '/', e.g. backups/acme/bot/periodic`,
      });
    }
    return problems.length > 0 ? problems : { type: "plain", path };
  }
  const problems: RestoreSourceProblem[] = [];
  for (const key of Object.keys(value)) {
    if (!(OBJECT_KEYS as readonly string[]).includes(key)) {
      const hint = closestMatch(key, [...OBJECT_KEYS, "plain"]);
      problems.push({
        path: [key],
        message:
          hint !== undefined
            ? `unknown key; did you mean "${hint}"?`
            : `unknown key; allowed here: ${OBJECT_KEYS.join(", ")} (or plain alone)`,
      });
    }
  }
  const name = (key: "tenant" | "instance", required: boolean): string | undefined => {
    const v = value[key];
    if (v === undefined && !required) return undefined;
    if (typeof v === "string" && NAME.test(v)) return v;
    problems.push({
      path: [key],
      message: v === undefined ? `is required: the instance whose backups to restore` : `${JSON.stringify(v)} is not a valid ${key} name`,
    });
    return undefined;
  };
  const tenant = name("tenant", false);
  const instance = name("instance", true);
  let kind: SnapshotKind | undefined;
  if (value.kind !== undefined) {
    if (typeof value.kind === "string" && isKind(value.kind)) kind = value.kind;
    else
      problems.push({ path: ["kind"], message: `${JSON.stringify(value.kind)} is not allowed; use one of ${SNAPSHOT_KINDS.join(", ")}` });
  }
  const rawSnapshot = value.snapshot ?? "latest";
  const snapshot = typeof rawSnapshot === "string" ? snapshotValue(rawSnapshot) : undefined;
  if (snapshot === undefined) {
    problems.push({
      path: ["snapshot"],
      message: `${JSON.stringify(rawSnapshot)} is not "latest" or a UTC snapshot time (20261122T035012Z or 2026-11-22T03:50:12Z)`,
    });
  } else if (snapshot !== "latest" && kind === undefined) {
    problems.push({
      path: ["kind"],
      message: `is required with a snapshot time: the snapshot lives under its kind (${SNAPSHOT_KINDS.join(", ")})`,
    });
  }
  if (problems.length > 0 || instance === undefined || snapshot === undefined) return problems;
  return {
    type: "snapshot",
    form: "object",
    ...(tenant !== undefined ? { tenant } : {}),
    instance,
    ...(kind !== undefined ? { kind } : {}),
    snapshot,
  };
}

/** Parses a raw `restoreFrom` config value, or returns every problem with it. */
export function parseRestoreSource(value: unknown): RestoreSource | RestoreSourceProblem[] {
  if (typeof value === "string") return parsePath(value);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return parseObject(value as Record<string, unknown>);
  return [{ path: [], message: `expected a snapshot path or an object; ${FORMS}` }];
}

/** The tenant whose backups a source reads: its own tenant for our snapshots, the folder's tenant for a plain folder under the fleet prefix. */
export function sourceTenant(source: RestoreSource, ownTenant: string, fleetPrefix: string): string | undefined {
  if (source.type === "snapshot") return source.tenant ?? ownTenant;
  const prefix = fleetPrefix.replace(/\/+$/, "");
  if (!source.path.startsWith(`${prefix}/`)) return undefined;
  return source.path.slice(prefix.length + 1).split("/")[0] || undefined;
}

/** The value of `OCB_RESTORE_FROM` (relative to `OCB_PREFIX` for snapshots). */
export function engineRestoreSpec(source: RestoreSource, ownTenant: string): string {
  if (source.type === "plain") return `plain:${source.path}`;
  const kind = source.kind !== undefined ? `${source.kind}/` : "";
  return `${source.tenant ?? ownTenant}/${source.instance}/${kind}${source.snapshot}`;
}

/** The bucket-relative key prefix a restore from `source` reads (what its identity must be allowed to read). */
export function restoreReadPrefix(source: RestoreSource, ownTenant: string, fleetPrefix: string): string {
  if (source.type === "plain") return `${source.path}/`;
  return `${fleetPrefix}${source.tenant ?? ownTenant}/${source.instance}/`;
}
