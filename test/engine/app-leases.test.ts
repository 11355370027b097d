// The SQLite capture leaves out the running app's coordination leases (state_leases,
// agent_database_leases) from its copies of OpenClaw's own databases, in both capture paths: the
// backup pod's init script (sqlite-snapshot.mjs, node:sqlite on the app image's Node) and the
// engine's own sqlite3 capture (hosts, disaster recovery). Everything else is copied as it is; a
// database OpenClaw does not mark as its own (schema_meta role) keeps tables of the same names;
// the live databases are never written; the removed rows' bytes are not in the copy. That the
// gateway accepts such a copy is shown with the real OpenClaw in
// test/openclaw-runtime/state-backup.test.ts.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT } from "../../components/builders/backup/engine";
import { openclawRuntime, runBounded } from "../../scripts/lib/openclaw-cli";
import { engineEnv, expectExit, run, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";

const OWNER = "lease-owner-3f6b1c9e-live-gateway";

/** A database with OpenClaw's ownership marker (role) and lease tables, or none (role undefined). */
function schema(role: string | undefined): string {
  return [
    "PRAGMA journal_mode=WAL;",
    "CREATE TABLE state_leases (scope TEXT, lease_key TEXT, owner TEXT, expires_at INTEGER, payload_json TEXT, PRIMARY KEY (scope, lease_key));",
    "CREATE TABLE agent_database_leases (agent_id TEXT PRIMARY KEY, owner TEXT, expires_at INTEGER);",
    "CREATE TABLE cron_jobs (job_id TEXT PRIMARY KEY, name TEXT);",
    ...(role === undefined
      ? []
      : ["CREATE TABLE schema_meta (meta_key TEXT PRIMARY KEY, role TEXT);", `INSERT INTO schema_meta VALUES ('primary', '${role}');`]),
    `INSERT INTO state_leases VALUES ('gateway-owner', 'global', '${OWNER}', 9999999999999, '{"owner":{"pid":4242,"host":"bot-0"}}');`,
    `INSERT INTO agent_database_leases VALUES ('main', '${OWNER}', 9999999999999);`,
    "INSERT INTO cron_jobs VALUES ('j1', 'nightly');",
  ].join("\n");
}

async function sqlite(db: string, sql: string): Promise<string> {
  const r = await run("sqlite3", ["-bail", db, sql], { PATH: process.env.PATH ?? "" }, { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe("backup engine: the running app's leases stay out of the SQLite copies", function () {
  this.timeout(180_000);
  let s3: S3Server;
  let work: string;
  engineSuite("leases", (server, dir) => {
    s3 = server;
    work = dir;
  });

  async function makeState(name: string): Promise<string> {
    const state = join(work, name, "state");
    mkdirSync(join(state, "state"), { recursive: true });
    mkdirSync(join(state, "agents/main/agent"), { recursive: true });
    mkdirSync(join(state, "workspace"), { recursive: true });
    await sqlite(join(state, "state/openclaw.sqlite"), schema("global"));
    await sqlite(join(state, "agents/main/agent/openclaw-agent.sqlite"), schema("agent"));
    await sqlite(join(state, "workspace/tool.sqlite"), schema(undefined));
    writeFileSync(join(state, "openclaw.json"), "{}\n");
    return state;
  }

  async function backupAndRestore(name: string, state: string, staging?: string): Promise<string> {
    const sources = `state=${state}`;
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: name,
      OCB_KIND: "manual",
      OCB_SOURCES: sources,
      OCB_NOW: uniqueStamp(),
      ...(staging ? { OCB_SQLITE_STAGING: staging } : {}),
    });
    expectExit(await runEngine({ env, args: ["backup"] }), 0, "backup");
    const target = join(work, name, "restored");
    mkdirSync(target, { recursive: true });
    const restoreEnv = engineEnv(s3, {
      OCB_SOURCES: `state=${target}`,
      OCB_RESTORE_FROM: `acme/${name}/latest`,
      OCB_RESTORE_UID: String(process.getuid?.() ?? 0),
      OCB_RESTORE_GID: String(process.getgid?.() ?? 0),
    });
    expectExit(await runEngine({ env: restoreEnv, args: ["restore"] }), 0, "restore");
    return target;
  }

  async function assertCopies(state: string, restored: string): Promise<void> {
    for (const db of ["state/openclaw.sqlite", "agents/main/agent/openclaw-agent.sqlite"]) {
      const copy = join(restored, db);
      assert.equal(
        await sqlite(copy, "SELECT count(*) FROM state_leases; SELECT count(*) FROM agent_database_leases;"),
        "0\n0",
        `${db}: leases left out`,
      );
      assert.equal(await sqlite(copy, "SELECT name FROM cron_jobs"), "nightly", `${db}: the app's own rows kept`);
      assert.equal(readFileSync(copy).includes(OWNER), false, `${db}: the lease owner's bytes are not in the copy`);
      assert.equal(await sqlite(join(state, db), "SELECT count(*) FROM state_leases"), "1", `${db}: the live database is untouched`);
    }
    assert.equal(
      await sqlite(
        join(restored, "workspace/tool.sqlite"),
        "SELECT count(*) FROM state_leases; SELECT count(*) FROM agent_database_leases;",
      ),
      "1\n1",
      "a database that is not OpenClaw's keeps its rows",
    );
  }

  it("sqlite-snapshot.mjs (the backup pod's init container, on the app image's Node 24)", async () => {
    const state = await makeState("init");
    const staging = join(work, "init", "staging");
    const captured = await runBounded(
      openclawRuntime().node,
      [join(ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT)],
      { PATH: process.env.PATH ?? "", OCB_SOURCES: `state=${state}`, OCB_SQLITE_STAGING: staging },
      60_000,
    );
    assert.equal(captured.code, 0, captured.stderr);
    assert.match(captured.stderr, /openclaw\.sqlite -> .*\(2 lease row\(s\) of the running app left out\)/);
    await assertCopies(state, await backupAndRestore("init", state, staging));
  });

  it("the engine's own sqlite3 capture", async () => {
    const state = await makeState("host");
    await assertCopies(state, await backupAndRestore("host", state));
  });
});
