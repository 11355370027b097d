// Realistic OpenClaw state for the engine's data-path tests and benchmark: nested agents, unicode
// and space names, empty folders, restrictive modes, a large binary, SQLite databases in WAL mode,
// and the rebuildable bulk the default excludes must leave out.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { run } from "./engine-runner";

export interface TreeEntry {
  type: "file" | "dir";
  mode: number;
  size?: number;
  sha256?: string;
}

export type Tree = Map<string, TreeEntry>;

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

async function sqlite(db: string, sql: string): Promise<string> {
  const result = await run(
    "sqlite3",
    ["-bail", "-cmd", ".timeout 10000", db, sql],
    { PATH: process.env.PATH ?? "" },
    { timeoutMs: 30_000 },
  );
  if (result.code !== 0) throw new Error(`sqlite3 ${db}: ${result.stderr}`);
  return result.stdout.trim();
}

export { sqlite };

/** Paths (relative to the state root) that the default excludes must leave out of a snapshot. */
export const EXCLUDED_STATE_PATHS = [
  "logs/gateway.log",
  "tmp/upload-123.part",
  "npm/_cacache/index",
  ".cache/thumbnails/a.png",
  "extensions/voice/node_modules/pkg/index.js",
  "gateway.pid",
  "gateway.sock",
];

/**
 * Writes a state dir and a workspace dir. `bigFileBytes` sets the size of one incompressible media
 * file (20 MB in the round-trip test); `scale` multiplies the number of session files.
 */
export async function makeStateTree(
  stateDir: string,
  workspaceDir: string,
  options: { bigFileBytes?: number; scale?: number } = {},
): Promise<void> {
  const scale = options.scale ?? 1;
  put(stateDir, "openclaw.json", JSON.stringify({ gateway: { port: 18789 }, secrets: { token: "t0k3n" } }, null, 2), 0o600);
  put(stateDir, "agents/main/agent/auth-profiles.json", JSON.stringify({ anthropic: { key: "sk-test" } }), 0o600);
  put(stateDir, "agents/main/sessions/sessions.json", JSON.stringify({ count: 3 * scale }));
  for (let i = 0; i < 3 * scale; i++) {
    const lines = Array.from({ length: 40 }, (_, j) => JSON.stringify({ turn: j, text: `message ${i}/${j} ${"lorem ipsum ".repeat(8)}` }));
    put(stateDir, `agents/main/sessions/2026-11-${String(10 + (i % 20)).padStart(2, "0")} session ${i} é.jsonl`, lines.join("\n") + "\n");
  }
  put(stateDir, "agents/helper bot/sessions/naïve ☃ notes.jsonl", '{"turn":0}\n');
  put(stateDir, "cron/jobs.json", JSON.stringify([{ id: "daily", schedule: "0 9 * * *" }]));
  put(stateDir, "credentials/whatsapp/creds.json", JSON.stringify({ noise: randomBytes(32).toString("hex") }), 0o600);
  put(stateDir, " leading space.txt", "leading space\n");
  put(stateDir, "quote's & back\\slash.txt", "odd name\n");
  put(stateDir, "zero-length.txt", "");
  mkdirSync(join(stateDir, "empty"), { recursive: true });
  mkdirSync(join(stateDir, "agents/main/empty nested/deeper"), { recursive: true });
  mkdirSync(join(stateDir, "private"), { recursive: true });
  chmodSync(join(stateDir, "private"), 0o700);
  put(stateDir, "private/key.pem", "-----BEGIN KEY-----\n", 0o600);
  if (options.bigFileBytes) put(stateDir, "media/inbound/voice note 1.ogg", randomBytes(options.bigFileBytes));
  for (const rel of EXCLUDED_STATE_PATHS) put(stateDir, rel, "rebuildable\n");

  mkdirSync(join(stateDir, "agents/main/agent"), { recursive: true });
  await sqlite(
    join(stateDir, "agents/main/agent/openclaw-agent.sqlite"),
    "PRAGMA journal_mode=WAL; CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT); INSERT INTO kv VALUES('model','claude'),('temperature','0.2');",
  );
  mkdirSync(join(stateDir, "memory"), { recursive: true });
  await sqlite(
    join(stateDir, "memory/main.sqlite"),
    "CREATE TABLE chunks(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO chunks(text) VALUES('remember the milk');",
  );
  put(stateDir, "legacy.db", "not a database, just a file with a .db name\n");

  put(workspaceDir, "AGENTS.md", "# Agents\nBe helpful.\n");
  put(workspaceDir, "SOUL.md", "# Soul\n");
  put(workspaceDir, "USER.md", "# User\nName: Ada\n");
  put(workspaceDir, "MEMORY.md", "# Memory\n");
  put(workspaceDir, "memory/2026-11-21.md", "- met Bob\n");
  put(workspaceDir, "skills/weather/SKILL.md", "# Weather skill\n");
  put(workspaceDir, "skills/weather/run.sh", "#!/bin/sh\necho sunny\n", 0o755);
  put(workspaceDir, "skills/weather/node_modules/dep/index.js", "module.exports = 1;\n");
  mkdirSync(join(workspaceDir, "canvas"), { recursive: true });
}

/** Every file and dir under root (sha256 of files, permission bits), minus `skip` matches. */
export function readTree(root: string, skip: (rel: string) => boolean = () => false): Tree {
  const tree: Tree = new Map();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (skip(path)) continue;
      const full = join(root, path);
      const mode = statSync(full).mode & 0o777;
      if (entry.isDirectory()) {
        tree.set(path, { type: "dir", mode });
        walk(path);
      } else if (entry.isFile()) {
        const bytes = readFileSync(full);
        tree.set(path, { type: "file", mode, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
      }
    }
  };
  walk("");
  return tree;
}

/** Differences between two trees as readable lines (empty = identical). */
export function diffTrees(expected: Tree, actual: Tree): string[] {
  const problems: string[] = [];
  for (const [path, want] of expected) {
    const got = actual.get(path);
    if (!got) problems.push(`missing ${want.type} ${path}`);
    else if (got.type !== want.type) problems.push(`type ${path}: ${got.type} != ${want.type}`);
    else if (got.sha256 !== want.sha256 || got.size !== want.size) problems.push(`content ${path}`);
    else if (got.mode !== want.mode) problems.push(`mode ${path}: ${got.mode.toString(8)} != ${want.mode.toString(8)}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) problems.push(`unexpected ${path}`);
  return problems;
}

/** Excluded by the engine's defaults (mirrors DEFAULT_EXCLUDES + the mandatory SQLite sidecars). */
export function isDefaultExcluded(rel: string): boolean {
  const name = rel.split("/").pop() ?? "";
  return (
    /^(cache|logs|tmp|npm|plugin-skills|lost\+found)(\/|$)/.test(rel) ||
    /(^|\/)(\.cache|node_modules)(\/|$)/.test(rel) ||
    /\.sqlite\.(generation-lock|generation-writer|reindex-lock)\.sqlite$/.test(name) ||
    /\.(sock|pid)$/.test(name) ||
    /-(wal|shm|journal)$/.test(name) ||
    /^\.(pre|ocb)-restore-/.test(rel)
  );
}

/**
 * A second process keeps inserting into a WAL-mode database (autocheckpoint off, so recent rows
 * live only in the -wal file) while the backup runs.
 */
export class SqliteWriter {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly timer: NodeJS.Timeout;
  private exited: Promise<void>;

  constructor(readonly db: string) {
    this.child = spawn("sqlite3", ["-bail", db], { env: { PATH: process.env.PATH ?? "" }, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.on("close", () => resolve()));
    // sqlite3 -bail exits on its first error (a lock held past the 5 s timeout on a loaded
    // machine): later writes then fail with EPIPE, which must not surface as an uncaught error in
    // whichever test runs next. The writer's own test sees it stop committing.
    this.child.stdin.on("error", () => undefined);
    this.child.stdin.write(
      "PRAGMA journal_mode=WAL;\nPRAGMA wal_autocheckpoint=0;\n.timeout 5000\n" +
        "CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, payload TEXT NOT NULL);\n",
    );
    this.timer = setInterval(() => {
      let batch = "";
      for (let i = 0; i < 5; i++) batch += "INSERT INTO events(payload) VALUES(hex(randomblob(64)));\n";
      this.child.stdin.write(batch);
    }, 5);
  }

  /**
   * Until the writer has committed its first rows (and so holds a `-wal` file), bounded in time. A
   * fixed pause here was a flake: on a loaded machine sqlite3 may not have started within it.
   */
  async firstCommit(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const committed = await this.committed();
        if (committed > 0 && existsSync(`${this.db}-wal`)) return committed;
      } catch (error) {
        last = error; // the table does not exist yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the SQLite writer committed nothing to ${this.db} within ${timeoutMs / 1000} s${last instanceof Error ? `: ${last.message}` : ""}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Highest id committed so far, read through a separate connection. */
  async committed(): Promise<number> {
    return Number((await sqlite(this.db, "SELECT coalesce(max(id), 0) FROM events;")).split("\n").pop());
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.child.stdin.end(".quit\n");
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.child.kill("SIGKILL");
  }
}
