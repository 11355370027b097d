// Consistent copies of every SQLite database under OCB_SOURCES, for the backup engine.
//
// Runs in an init container of the backup pod on the app image (Node 22+, node:sqlite), because
// the rclone image has no sqlite3. For each source "name=/dir" and each database <dir>/<rel>
// (*.sqlite, *.sqlite3, *.db with the SQLite header) it writes OCB_SQLITE_STAGING/<name>/<rel>
// with `VACUUM INTO`: a read transaction, so the live app keeps writing and every transaction
// committed before it started (WAL included) is in the copy. openclaw-backup.sh then uploads
// these copies instead of the live files, and fails if one it needs is missing.
//
//   OCB_SOURCES="state=/data/state workspace=/data/workspace" OCB_SQLITE_STAGING=/staging \
//     node sqlite-snapshot.mjs
import { DatabaseSync } from "node:sqlite";
import { closeSync, mkdirSync, openSync, readSync, readdirSync, rmSync } from "node:fs";
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

const staging = process.env.OCB_SQLITE_STAGING;
const sources = (process.env.OCB_SOURCES ?? "").split(/\s+/).filter(Boolean);
if (!staging) fail("OCB_SQLITE_STAGING is not set");
if (sources.length === 0) fail("OCB_SOURCES is not set");

let count = 0;
for (const pair of sources) {
  const eq = pair.indexOf("=");
  if (eq <= 0) fail(`OCB_SOURCES entry '${pair}' is not name=/abs/dir`);
  const name = pair.slice(0, eq);
  const dir = pair.slice(eq + 1);
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
    count += 1;
    process.stderr.write(`sqlite-snapshot: ${join(dir, rel)} -> ${out}\n`);
  }
}
process.stderr.write(`sqlite-snapshot: ${count} database(s) captured into ${staging}\n`);
