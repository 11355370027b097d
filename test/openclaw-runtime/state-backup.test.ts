// Backups of a real OpenClaw state (issues 19 and 20). The pinned gateway runs on the state volume
// of an instance the program renders; its CLI makes state without a model provider (an agent, a
// session, a cron job, indexed memory); our engine backs the volume up hot while the gateway runs
// (the SQLite capture script on the pinned release's Node, as the backup pod's init container
// runs it on the app image); the snapshot is restored at once into an empty volume, and a gateway
// started on the copy becomes ready and reads that state. The same for a clone into another
// instance. The state directory of the running gateway is listed, and every entry must be named
// in docs/backups.md as state or as rebuildable, and the snapshot must hold exactly the first kind.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { DEFAULT_EXCLUDES, ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT } from "../../components/builders/backup/engine";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { STATE_DIR as POD_STATE_DIR, STATE_FOLDER } from "../../components/config/ports";
import { openclawRuntime, runBounded } from "../../scripts/lib/openclaw-cli";
import { assertReadsState as readsState, cliJson, makeState, type OpenClawShell } from "../support/openclaw-state";
import { engineEnv, eventOf, expectExit, readManifest, requireTools, runEngine, uniqueStamp } from "../support/engine-runner";
import {
  appStateDir,
  hostVolumes,
  podRoot,
  prepareState,
  requirePodMounts,
  renderPod,
  startGateway,
  type Gateway,
  type RenderedPod,
} from "../support/openclaw-pod";
import { startS3Server, type S3Server } from "../support/s3server";
import { ROOT } from "../support/stacks";

// An instance whose users add agents at runtime: `merge` keeps them across restarts and restores.
const INSTANCE = {
  image: { tag: OPENCLAW_VERSION },
  config: { mergeMode: "merge", raw: { agents: { defaults: { model: "anthropic/claude-sonnet-4-5" } } } },
};

/** The table of docs/backups.md that names every entry of the state directory. */
interface LayoutRow {
  readonly patterns: readonly RegExp[];
  readonly backedUp: boolean;
  readonly text: string;
}

function stateLayout(): LayoutRow[] {
  const doc = readFileSync(join(ROOT, "docs", "backups.md"), "utf8");
  const section = doc.split("### What OpenClaw writes, and what is left out")[1]?.split("\n## ")[0] ?? "";
  const rows: LayoutRow[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split(" | ");
    const [first, second] = cells;
    if (!line.startsWith("| `") || cells.length < 3 || first === undefined || second === undefined) continue;
    const names = [...first.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1] ?? []);
    const patterns = names.map(
      (n) =>
        new RegExp(
          `^${n
            .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
            .replace(/<[a-z-]+>/g, "[^/]+")
            .replace(/\*/g, "[^/]*")}$`,
        ),
    );
    rows.push({ patterns, backedUp: /^yes\b/.test(second.trim()), text: line });
  }
  return rows;
}

/**
 * What the state dir holds: its top-level entries, what is in cache/, and every SQLite file in the
 * entries that are backed up (a left-out folder's contents are left out with it).
 */
function stateEntries(stateDir: string, rows: readonly LayoutRow[]): string[] {
  const entries = new Set<string>();
  for (const name of readdirSync(stateDir)) entries.add(statSync(join(stateDir, name)).isDirectory() ? `${name}/` : name);
  if (entries.has("cache/")) for (const name of readdirSync(join(stateDir, "cache"))) entries.add(`cache/${name}/`);
  const leftOut = (entry: string) => rows.some((r) => !r.backedUp && r.patterns.some((p) => p.test(entry)));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (dir !== stateDir || !leftOut(`${entry.name}/`)) walk(path);
      } else if (/\.sqlite/.test(entry.name) && !/-(wal|shm|journal)$/.test(entry.name)) entries.add(relative(stateDir, path));
    }
  };
  walk(stateDir);
  return [...entries].sort();
}

describe(`backups of a real OpenClaw ${OPENCLAW_VERSION} state, hot, restored and cloned at once`, function () {
  this.timeout(900_000);
  let s3: S3Server;
  let root: string;
  let rendered: RenderedPod;
  let original: Gateway | undefined;
  const others: Gateway[] = [];
  let stateDir: string;
  let snapshot: string;
  let manifest: string[];
  let restoredState: string;
  let botVolumes: Map<string, string>;
  /** As the backup and restore pods see the state volume: its root, and the state folder in it. */
  const volumeSources = (volumes: ReadonlyMap<string, string>) => ({
    OCB_SOURCES: `state=${volumes.get("state")}`,
    OCB_SOURCE_SUBDIRS: `state=${STATE_FOLDER}`,
  });

  /** The volumes of one instance's pod on this host. */
  function podVolumes(name: string): Map<string, string> {
    return hostVolumes(rendered, join(root, name));
  }

  /** The pod's start: its init containers (the state folder, the config), then the gateway. */
  async function startInstance(volumes: Map<string, string>): Promise<Gateway> {
    await prepareState(rendered, volumes);
    return startGateway(rendered, volumes);
  }

  before(async () => {
    await requireTools();
    s3 = await startS3Server();
    await requirePodMounts();
    root = podRoot("openclaw-state-");
    rendered = await renderPod(INSTANCE);
  });
  after(async () => {
    for (const g of [...others, original]) await g?.stop();
    await s3?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("makes state with the real gateway and CLI: an agent, a session, a cron job, indexed memory", async () => {
    botVolumes = podVolumes("bot");
    original = await startInstance(botVolumes);
    stateDir = appStateDir(rendered, botVolumes);
    await makeState(shellOf(original, stateDir));
  });

  it("names every entry of the running gateway's state directory in docs/backups.md, and OpenClaw's own backup leaves out what we leave out", async () => {
    const rows = stateLayout();
    assert.ok(rows.length >= 8, "docs/backups.md has the state layout table");
    const entries = stateEntries(stateDir, rows);
    const unnamed = entries.filter((e) => !rows.some((r) => r.patterns.some((p) => p.test(e))));
    assert.deepEqual(
      unnamed,
      [],
      `entries of OpenClaw ${OPENCLAW_VERSION}'s state dir that docs/backups.md does not classify: add each to "What OpenClaw writes, and what is left out" (and to DEFAULT_EXCLUDES if it is rebuildable)`,
    );
    assert.ok(
      entries.includes("cache/control-ui-assets/"),
      `the gateway keeps its Control UI cache in cache/ (entries: ${entries.join(" ")})`,
    );
    process.stderr.write(`      state dir entries: ${entries.join(" ")}\n`);
    // OpenClaw's own archive plan, for this state: every root it skips as regenerable we leave out too.
    assert.ok(original);
    const plan = cliJson<{ skipped: { sourcePath: string; reason: string }[] }>(
      await original.cli(["backup", "create", "--dry-run", "--json"]),
      "backup create --dry-run",
    );
    for (const skipped of plan.skipped.filter((s) => s.reason === "regenerable")) {
      const rel = `${relative(POD_STATE_DIR, skipped.sourcePath)}/`;
      const row = rows.find((r) => r.patterns.some((p) => p.test(rel)));
      assert.ok(
        row !== undefined && !row.backedUp,
        `OpenClaw's own backup skips ${rel} as regenerable; so must the defaults (${row?.text ?? "not in the table"})`,
      );
    }
  });

  it("backs the volume up hot with the engine: no cache/, no lock databases, no leases of the running gateway", async () => {
    const staging = join(root, "sqlite-staging");
    const sources = volumeSources(botVolumes);
    // The backup pod's init container: sqlite-snapshot.mjs on the app image's Node (the pinned release's).
    const captured = await runBounded(
      openclawRuntime().node,
      [join(ENGINE_DIR, SQLITE_SNAPSHOT_SCRIPT)],
      { PATH: process.env.PATH ?? "", ...sources, OCB_SQLITE_STAGING: staging },
      120_000,
    );
    assert.equal(captured.code, 0, captured.stderr);
    assert.match(captured.stderr, /state\/openclaw\.sqlite -> .*\(\d+ lease row\(s\) of the running app left out\)/, captured.stderr);
    const backup = await runEngine({
      env: engineEnv(s3, {
        OCB_TENANT: "acme",
        OCB_INSTANCE: "bot",
        OCB_KIND: "manual",
        ...sources,
        OCB_SQLITE_STAGING: staging,
        OCB_NOW: uniqueStamp(),
        OCB_WORK_DIR: join(root, "work"),
      }),
      args: ["backup"],
      timeoutMs: 300_000,
    });
    expectExit(backup, 0, "hot backup");
    const done = eventOf(backup, "backup.complete");
    snapshot = String(done.snapshot);
    const listing = await readManifest(s3, snapshot);
    manifest = listing.text
      .split("\n")
      .filter((l) => /^[fd]\t/.test(l))
      .map((l) => l.split("\t").pop() ?? "");
    const files = manifest.filter((p) => p.startsWith("state/"));
    assert.ok(
      files.includes("state/state/openclaw.sqlite") && files.includes("state/openclaw.json"),
      "the state database and the config are in it",
    );
    assert.deepEqual(
      files.filter(
        (p) =>
          /^state\/(cache|tmp|logs|plugin-skills)(\/|$)/.test(p) ||
          /\.sqlite\.(generation-lock|generation-writer|reindex-lock)\.sqlite$/.test(p),
      ),
      [],
      "no rebuildable entries",
    );
    const rows = stateLayout();
    for (const entry of stateEntries(stateDir, rows)) {
      const row = rows.find((r) => r.patterns.some((p) => p.test(entry)));
      const inSnapshot = files.some((p) => p === `state/${entry.replace(/\/$/, "")}` || p.startsWith(`state/${entry}`));
      assert.equal(
        inSnapshot,
        row?.backedUp,
        `${entry}: docs/backups.md says ${row?.backedUp ? "backed up" : "left out"}, the snapshot ${inSnapshot ? "holds" : "lacks"} it (defaults: ${DEFAULT_EXCLUDES.join(" ")})`,
      );
    }
    const liveBytes = Number(done.bytes);
    process.stderr.write(
      `      snapshot ${snapshot}: ${files.length} entries, ${(liveBytes / 1e6).toFixed(2)} MB backed up of a state dir holding a ${(dirBytes(join(stateDir, "cache")) / 1e6).toFixed(1)} MB cache/\n`,
    );
  });

  it("restores at once into an empty volume, and a gateway on the copy becomes ready and reads the state", async () => {
    const volumes = podVolumes("bot-restored");
    const restored = await runEngine({
      env: engineEnv(s3, {
        ...volumeSources(volumes),
        OCB_RESTORE_FROM: snapshot,
        OCB_RESTORE_UID: String(process.getuid?.() ?? 0),
        OCB_RESTORE_GID: String(process.getgid?.() ?? 0),
        OCB_WORK_DIR: join(root, "work-restore"),
      }),
      args: ["restore"],
      timeoutMs: 300_000,
    });
    expectExit(restored, 0, "restore");
    restoredState = appStateDir(rendered, volumes);
    assert.deepEqual(readdirSync(volumes.get("state") ?? ""), [STATE_FOLDER], "the restore left the state folder and nothing else");
    const gateway = await startInstance(volumes);
    others.push(gateway);
    process.stderr.write(`      restored copy: gateway ready in ${gateway.readySeconds.toFixed(1)} s, while the original still runs\n`);
    await assertReadsState(gateway);
    await gateway.stop();
  });

  it("clones into another instance at once, in the layout before the state folder: init-state moves it into the folder, and the gateway becomes ready and reads the state", async () => {
    const volumes = podVolumes("globex-copy");
    // No OCB_SOURCE_SUBDIRS: the restore as the program before the state folder ran it, state at the volume's root.
    const restored = await runEngine({
      env: engineEnv(s3, {
        OCB_TENANT: "globex",
        OCB_INSTANCE: "copy",
        OCB_SOURCES: `state=${volumes.get("state")}`,
        OCB_RESTORE_FROM: snapshot,
        OCB_RESTORE_UID: String(process.getuid?.() ?? 0),
        OCB_RESTORE_GID: String(process.getgid?.() ?? 0),
        OCB_WORK_DIR: join(root, "work-clone"),
      }),
      args: ["restore"],
      timeoutMs: 300_000,
    });
    expectExit(restored, 0, "clone");
    assert.ok(existsSync(join(volumes.get("state") ?? "", "openclaw.json")), "the old layout: state at the volume's root");
    const [layout] = await prepareState(rendered, volumes);
    assert.match(layout?.stdout ?? "", /moved \d+ entries from the volume root into .*openclaw-state/);
    assert.deepEqual(
      readdirSync(volumes.get("state") ?? "").filter((e) => !e.startsWith(".pre-restore-")),
      [STATE_FOLDER],
    );
    const gateway = await startGateway(rendered, volumes);
    others.push(gateway);
    process.stderr.write(`      clone: gateway ready in ${gateway.readySeconds.toFixed(1)} s\n`);
    await assertReadsState(gateway);
    await gateway.stop();
  });

  it("(control) a copy that keeps the running gateway's leases is refused by OpenClaw: the lease handling is what makes the copies start", async () => {
    const volumes = podVolumes("bot-raw-copy");
    const copy = volumes.get("state") ?? "";
    cpSync(restoredState, copy, { recursive: true });
    rmSync(join(copy, "state", "openclaw.sqlite"));
    const raw = await runBounded(
      "sqlite3",
      [join(stateDir, "state", "openclaw.sqlite"), `VACUUM INTO '${join(copy, "state", "openclaw.sqlite")}'`],
      { PATH: process.env.PATH ?? "" },
      60_000,
    );
    assert.equal(raw.code, 0, raw.stderr);
    // The copied rows name the original's live process: its gateway owner lease, or the lease on an agent database.
    const outcome = await startInstance(volumes).then(
      async (started) => {
        others.push(started);
        await started.stop();
        return "started";
      },
      (err: Error) => err.message,
    );
    assert.match(outcome, /Another Gateway owner lease is still active|database is still open in process \d+/);
    process.stderr.write(`      raw copy refused: ${/Gateway failed to start: [^"|]*/.exec(outcome)?.[0] ?? outcome.slice(0, 200)}\n`);
  });

  async function assertReadsState(gateway: Gateway): Promise<void> {
    process.stderr.write(`      the copy lists ${await readsState(shellOf(gateway))}\n`);
  }
});

/** The CLI of a gateway on this host, as its container's processes; workspace files written under `stateDir`. */
function shellOf(gateway: Gateway, stateDir?: string): OpenClawShell {
  return {
    cli: (args, timeoutMs) => gateway.cli(args, undefined, timeoutMs),
    writeWorkspaceFile: async (relativePath, text) => {
      if (stateDir === undefined) throw new Error("no state directory to write to");
      mkdirSync(dirname(join(stateDir, "workspace", relativePath)), { recursive: true });
      writeFileSync(join(stateDir, "workspace", relativePath), text);
    },
  };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}
