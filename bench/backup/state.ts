// A generated, realistic OpenClaw state directory (~200 MB in ~5,000 files at scale 1): config,
// session logs (JSONL), workspace notes and skills, cron history, credentials, media (a few of
// them MB-sized) and SQLite databases in WAL mode. Plus a daily churn that touches 1% of files.
import { mkdirSync, openSync, readFileSync, statSync, writeFileSync, appendFileSync, writeSync, closeSync } from "node:fs";
import { dirname, join } from "node:path";
import { Rng, TextSource } from "./random";
import { createDatabase, touchDatabase } from "./sqlite";

export type FileKind = "jsonl" | "text" | "binary" | "sqlite";

export interface StateFile {
  readonly path: string;
  readonly kind: FileKind;
}

export interface StateTree {
  readonly root: string;
  readonly files: readonly StateFile[];
  /** The database every day of use writes to (OpenClaw's main state). */
  readonly hotDatabase: string;
  readonly rng: Rng;
  readonly text: TextSource;
}

export interface StateOptions {
  /** 1 = ~200 MB in ~5,000 files; file counts scale with it, typical file sizes do not. */
  readonly scale: number;
  readonly seed: number;
}

const AGENTS = ["main", "support", "research", "ops", "writer", "coder"];

function write(root: string, files: StateFile[], path: string, kind: FileKind, content: string | Buffer): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  files.push({ path, kind });
}

function jsonlSession(rng: Rng, text: TextSource, bytes: number, start: number): string {
  const lines: string[] = [];
  let size = 0;
  let ts = start;
  while (size < bytes) {
    ts += rng.int(2_000, 600_000);
    const role = rng.pick(["user", "assistant", "assistant", "toolResult"]);
    const line = JSON.stringify({
      type: "message",
      id: rng.hex(16),
      timestamp: new Date(ts).toISOString(),
      message: { role, content: [{ type: "text", text: text.take(rng, rng.logNormal(500, 1)) }] },
      ...(role === "assistant"
        ? { usage: { input: rng.int(200, 90_000), output: rng.int(20, 4_000), cacheRead: rng.int(0, 50_000) } }
        : {}),
    });
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

function markdown(rng: Rng, text: TextSource, bytes: number, title: string): string {
  let out = `# ${title}\n\n`;
  while (out.length < bytes) out += `${rng.next() < 0.3 ? "- " : ""}${text.take(rng, rng.int(120, 700))}\n\n`;
  return out;
}

function jsonDoc(rng: Rng, text: TextSource, bytes: number): string {
  const doc: Record<string, unknown> = {};
  while (JSON.stringify(doc).length < bytes)
    doc[rng.hex(6)] = { note: text.take(rng, rng.int(40, 300)), at: rng.int(1e12, 2e12), enabled: rng.next() < 0.5 };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));

/** Writes the tree under `root` (which must not exist or be empty). */
export async function generateState(root: string, options: StateOptions): Promise<StateTree> {
  const rng = new Rng(options.seed);
  const text = new TextSource(rng);
  const files: StateFile[] = [];
  const n = (count: number) => Math.max(1, Math.round(count * options.scale));
  const t0 = 1_780_000_000_000;

  write(root, files, "openclaw.json", "text", jsonDoc(rng, text, 4_000));
  write(root, files, "credentials/oauth.json", "text", jsonDoc(rng, text, 1_500));
  for (let i = 1; i < n(20); i++) write(root, files, `credentials/provider-${i}.json`, "text", jsonDoc(rng, text, 800));
  for (const name of ["AGENTS", "SOUL", "USER", "MEMORY", "TOOLS", "HEARTBEAT"])
    write(root, files, `workspace/${name}.md`, "text", markdown(rng, text, 4_000, name));

  const sessionsPerAgent = Math.ceil(n(1_800) / AGENTS.length);
  for (const agent of AGENTS) {
    for (let s = 0; s < sessionsPerAgent; s++) {
      write(
        root,
        files,
        `agents/${agent}/sessions/${rng.hex(8)}-${rng.hex(4)}.jsonl`,
        "jsonl",
        jsonlSession(rng, text, clamp(rng.logNormal(20_000, 1.1), 600, 600_000), t0 + s * 3_600_000),
      );
    }
    write(root, files, `agents/${agent}/sessions/sessions.json`, "text", jsonDoc(rng, text, 40_000));
    write(root, files, `agents/${agent}/agent/auth-profiles.json`, "text", jsonDoc(rng, text, 2_000));
    write(root, files, `agents/${agent}/agent/models.json`, "text", jsonDoc(rng, text, 2_000));
  }
  for (let d = 0; d < n(900); d++) {
    const day = new Date(t0 - d * 86_400_000).toISOString().slice(0, 10);
    write(
      root,
      files,
      `workspace/memory/${day}${d >= 1000 ? `-${d}` : ""}.md`,
      "text",
      markdown(rng, text, clamp(rng.logNormal(2_500, 0.7), 200, 40_000), day),
    );
  }
  for (let k = 0; k < n(40); k++) {
    const skill = `workspace/skills/skill-${k}`;
    write(root, files, `${skill}/SKILL.md`, "text", markdown(rng, text, 3_000, `skill ${k}`));
    write(root, files, `${skill}/references/guide.md`, "text", markdown(rng, text, 6_000, "guide"));
    write(root, files, `${skill}/references/examples.md`, "text", markdown(rng, text, 4_000, "examples"));
    write(root, files, `${skill}/scripts/run.py`, "text", `# ${text.take(rng, 80)}\n${text.take(rng, 3_000).replace(/\. /g, ".\n")}`);
    write(root, files, `${skill}/config.json`, "text", jsonDoc(rng, text, 1_000));
  }
  for (let f = 0; f < n(1_400); f++) {
    const ext = rng.pick(["md", "md", "json", "ts"]);
    const path = `workspace/projects/p${f % 35}/${rng.pick(["notes", "docs", "src", "data"])}/${rng.hex(10)}.${ext}`;
    const size = clamp(rng.logNormal(3_000, 0.9), 100, 80_000);
    write(root, files, path, "text", ext === "json" ? jsonDoc(rng, text, size) : markdown(rng, text, size, path));
  }
  write(root, files, "cron/jobs.json", "text", jsonDoc(rng, text, 6_000));
  for (let j = 0; j < n(200); j++)
    write(root, files, `cron/runs/job-${j}.jsonl`, "jsonl", jsonlSession(rng, text, clamp(rng.logNormal(6_000, 0.8), 300, 100_000), t0));
  for (let m = 0; m < n(400); m++) {
    write(
      root,
      files,
      `media/inbound/${rng.hex(12)}.${rng.pick(["jpg", "png", "ogg", "pdf"])}`,
      "binary",
      rng.bytes(clamp(rng.logNormal(40_000, 1), 2_000, 900_000)),
    );
  }
  for (let m = 0; m < Math.max(2, n(12)); m++) {
    write(
      root,
      files,
      `media/outbound/render-${m}.${rng.pick(["mp4", "pdf", "zip"])}`,
      "binary",
      rng.bytes(rng.int(1, 6) * 1024 * 1024 + rng.int(0, 500_000)),
    );
  }

  // Databases, newest layout (state/, agents/*/agent/) and the older memory/<agent>.sqlite.
  const hotDatabase = "state/openclaw.sqlite";
  const databases: [string, number][] = [[hotDatabase, 16e6 * options.scale]];
  for (const agent of AGENTS) {
    databases.push([`agents/${agent}/agent/openclaw-agent.sqlite`, 2e6 * options.scale]);
    databases.push([`memory/${agent}.sqlite`, 1.5e6 * options.scale]);
  }
  for (const [path, bytes] of databases) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    await createDatabase(join(root, path), rng, text, Math.max(50_000, bytes));
    files.push({ path, kind: "sqlite" });
  }
  return { root, files, hotDatabase, rng, text };
}

export function treeBytes(tree: StateTree): number {
  return tree.files.reduce((sum, f) => sum + statSync(join(tree.root, f.path)).size, 0);
}

/**
 * One day of use: `fraction` of the files change (at least one), always including the hot
 * database; the rest are picked at random. Logs grow, notes are edited, a media file gets a block
 * rewritten in place (same size, so only a checksum can tell), databases get new rows.
 * Returns the paths changed.
 */
export async function applyChurn(tree: StateTree, fraction: number): Promise<string[]> {
  const { rng, text, root } = tree;
  const count = Math.max(1, Math.round(tree.files.length * fraction));
  const chosen = new Map<string, StateFile>([[tree.hotDatabase, { path: tree.hotDatabase, kind: "sqlite" }]]);
  while (chosen.size < count) {
    const f = rng.pick(tree.files);
    chosen.set(f.path, f);
  }
  for (const f of chosen.values()) {
    const file = join(root, f.path);
    switch (f.kind) {
      case "jsonl":
        appendFileSync(file, jsonlSession(rng, text, rng.int(1_000, 12_000), Date.UTC(2026, 10, 22)));
        break;
      case "text": {
        const old = readFileSync(file, "utf8");
        const at = rng.int(0, Math.max(0, old.length - 1));
        writeFileSync(file, `${old.slice(0, at)}${text.take(rng, rng.int(20, 400))}${old.slice(at + rng.int(0, 200))}`);
        break;
      }
      case "binary": {
        const size = statSync(file).size;
        const fd = openSync(file, "r+");
        try {
          writeSync(fd, rng.bytes(4096), 0, 4096, rng.int(0, Math.max(0, size - 4096)));
        } finally {
          closeSync(fd);
        }
        break;
      }
      case "sqlite":
        await touchDatabase(file, rng, text, rng.int(20_000, 120_000));
        break;
    }
  }
  return [...chosen.keys()];
}
