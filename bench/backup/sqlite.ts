// SQLite databases made with the sqlite3 CLI, in WAL mode as OpenClaw keeps them: chat history,
// key/value state and embedding vectors (incompressible blobs, as in memory databases).
import { run } from "../../test/support/engine-runner";
import type { Rng, TextSource } from "./random";

const SCHEMA = `PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, session TEXT NOT NULL, ts INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_session ON messages(session, ts);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS embeddings (id INTEGER PRIMARY KEY, source TEXT NOT NULL, vector BLOB NOT NULL);
`;

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** SQL that adds about `bytes` of rows; a quarter of them embeddings (1.5 KiB random vectors). */
function rowsSql(rng: Rng, text: TextSource, bytes: number, clock: number): string {
  const out: string[] = ["BEGIN;"];
  let added = 0;
  let ts = clock;
  while (added < bytes) {
    if (rng.next() < 0.25) {
      out.push(`INSERT INTO embeddings (source, vector) VALUES (${quote(`memory/${rng.hex(8)}.md`)}, randomblob(1536));`);
      added += 1536 + 40;
    } else {
      const content = text.take(rng, rng.logNormal(400, 0.8));
      ts += rng.int(1, 90_000);
      out.push(
        `INSERT INTO messages (session, ts, role, content) VALUES (${quote(rng.hex(12))}, ${ts}, ${quote(rng.pick(["user", "assistant", "tool"]))}, ${quote(content)});`,
      );
      added += content.length + 60;
    }
    if (rng.next() < 0.02) {
      out.push(`INSERT OR REPLACE INTO kv (key, value) VALUES (${quote(`k${rng.int(0, 500)}`)}, ${quote(text.take(rng, 200))});`);
    }
  }
  out.push("COMMIT;");
  return out.join("\n");
}

async function sqlite3(db: string, sql: string): Promise<void> {
  const result = await run("sqlite3", ["-bail", db], { PATH: process.env.PATH ?? "/usr/bin:/bin" }, { input: sql, timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`sqlite3 ${db} failed (exit ${result.code}): ${result.stderr.slice(0, 2000)}`);
}

/** Creates a WAL-mode database with about `bytes` of content. The CLI checkpoints on exit, so no -wal file stays. */
export async function createDatabase(db: string, rng: Rng, text: TextSource, bytes: number): Promise<void> {
  await sqlite3(db, SCHEMA + rowsSql(rng, text, bytes, 1_780_000_000_000));
}

/** A day of use: new rows and a few updated keys. */
export async function touchDatabase(db: string, rng: Rng, text: TextSource, bytes: number): Promise<void> {
  await sqlite3(db, rowsSql(rng, text, bytes, 1_790_000_000_000 + rng.int(0, 1e9)));
}
