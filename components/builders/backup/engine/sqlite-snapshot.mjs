// Consistent copies of every SQLite database under OCB_SOURCES, for the backup engine.
//
// Runs in an init container of the backup pod on the app image (Node 22.5+, node:sqlite), because
// the rclone image has no sqlite3. For each source "name=/dir" and each database <dir>/<rel>
// (*.sqlite, *.sqlite3, *.db with the SQLite header) it writes OCB_SQLITE_STAGING/<name>/<rel>
// with `VACUUM INTO`: a read transaction, so the live app keeps writing and every transaction
// committed before it started (WAL included) is in the copy. openclaw-backup.sh then uploads
// these copies instead of the live files, and fails if one it needs is missing. The copies of
// OpenClaw's own databases leave out the running app's leases (see clearLeases).
// A source with a state folder in OCB_SOURCE_SUBDIRS ("state=openclaw-state") is read from
// <dir>/<folder> when that is a folder, else from <dir> (a volume in the legacy layout), as the
// engine does, so <rel> is relative to the state directory either way. A volume that is half
// moved (the folder and other entries beside it) is left to the engine to refuse.
//
//   OCB_SOURCES="state=/data/state workspace=/data/workspace" OCB_SQLITE_STAGING=/staging \
//     node sqlite-snapshot.mjs
import { DatabaseSync } from "node:sqlite";
import { closeSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { Buffer } from "node:buffer";

const DB_NAME = /\.(sqlite|sqlite3|db)$/;
// Rebuildable or engine-owned trees never hold state worth a snapshot.
const SKIP_DIRS = new Set(["node_modules", "lost+found"]);
const SKIP_DIR_PREFIXES = [".pre-restore-", ".ocb-restore-"];

function fail(message) {
  process.stderr.write(`sqlite-snapshot: ERROR: ${message}\n`);
  process.exit(2);
}

function isSqlite(file) {
  const header = Buffer.alloc(16);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, header, 0, 16, 0) === 16 && header.toString("latin1") === "SQLite format 3\0";
  } finally {
    closeSync(fd);
  }
}

function* databases(dir, rel = "") {
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || SKIP_DIR_PREFIXES.some((p) => entry.name.startsWith(p))) continue;
      yield* databases(dir, path);
    } else if (entry.isFile() && DB_NAME.test(entry.name) && isSqlite(join(dir, path))) {
      yield path;
    }
  }
}

// OpenClaw's coordination leases (tables state_leases and agent_database_leases) name the process
// that held them, e.g. the running gateway's owner lease, renewed every 30 s and valid for 5 min.
// A copy that keeps them makes a gateway started on it refuse to start until they expire ("Another
// Gateway owner lease is still active"). OpenClaw's own snapshots (`openclaw backup create`,
// `backup sqlite create`) delete exactly these rows from their copies; so does this, from the copy
// only (never the live database), for databases OpenClaw marks as its own (schema_meta role global
// or agent). secure_delete zeroes the freed bytes, so the copy does not carry them either. Mirrored
// by clear_leases in backup.sh; test/openclaw-runtime/state-backup.test.ts proves the gateway
// starts at once on a restored copy.
const LEASE_TABLES = ["state_leases", "agent_database_leases"];

function clearLeases(file) {
  const db = new DatabaseSync(file);
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name));
    if (!tables.has("schema_meta")) return 0;
    const role = db.prepare("SELECT role FROM schema_meta WHERE meta_key = 'primary'").get()?.role;
    if (role !== "global" && role !== "agent") return 0;
    db.exec("PRAGMA secure_delete = ON");
    let rows = 0;
    for (const table of LEASE_TABLES) if (tables.has(table)) rows += Number(db.prepare(`DELETE FROM ${table}`).run().changes);
    return rows;
  } catch (err) {
    return fail(`cannot leave the leases out of ${file}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

const staging = process.env.OCB_SQLITE_STAGING;
const sources = (process.env.OCB_SOURCES ?? "").split(/\s+/).filter(Boolean);
if (!staging) fail("OCB_SQLITE_STAGING is not set");
if (sources.length === 0) fail("OCB_SOURCES is not set");
const subdirs = new Map();
for (const pair of (process.env.OCB_SOURCE_SUBDIRS ?? "").split(/\s+/).filter(Boolean)) {
  const eq = pair.indexOf("=");
  const folder = pair.slice(eq + 1);
  if (eq <= 0 || !/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(folder)) fail(`OCB_SOURCE_SUBDIRS entry '${pair}' is not name=folder (one path segment of [a-z0-9._-])`);
  subdirs.set(pair.slice(0, eq), folder);
}

// The state directory of a source: its folder when the volume has it, else the volume's root;
// undefined when the folder is something else (the engine then refuses the backup, exit 6).
function dataDir(name, dir) {
  const folder = subdirs.get(name);
  if (folder === undefined) return dir;
  try {
    if (lstatSync(join(dir, folder)).isDirectory()) return join(dir, folder);
  } catch (err) {
    if (err?.code === "ENOENT") return dir;
    throw err;
  }
  process.stderr.write(`sqlite-snapshot: ${join(dir, folder)} exists but is not a folder: source '${name}' skipped\n`);
  return undefined;
}

let count = 0;
for (const pair of sources) {
  const eq = pair.indexOf("=");
  if (eq <= 0) fail(`OCB_SOURCES entry '${pair}' is not name=/abs/dir`);
  const name = pair.slice(0, eq);
  const dir = dataDir(name, pair.slice(eq + 1));
  if (dir === undefined) continue;
  for (const rel of databases(dir)) {
    const out = join(staging, name, rel);
    mkdirSync(dirname(out), { recursive: true });
    rmSync(out, { force: true }); // VACUUM INTO refuses an existing non-empty file
    const db = new DatabaseSync(join(dir, rel));
    try {
      db.exec("PRAGMA busy_timeout = 30000");
      db.exec(`VACUUM INTO '${out.replaceAll("'", "''")}'`);
    } catch (err) {
      fail(`cannot snapshot ${join(dir, rel)}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      db.close();
    }
    const cleared = clearLeases(out);
    count += 1;
    process.stderr.write(`sqlite-snapshot: ${join(dir, rel)} -> ${out}${cleared > 0 ? ` (${cleared} lease row(s) of the running app left out)` : ""}\n`);
  }
}
process.stderr.write(`sqlite-snapshot: ${count} database(s) captured into ${staging}\n`);
