// Benchmark: the backup engine on ~100 MB of realistic OpenClaw state against s3rver on loopback.
// Prints, for a first (full) and a second (unchanged) backup and a third with one session changed:
// bytes uploaded per rclone's stats, bytes the server received, server-side copies, and seconds.
//
//   npx tsx bench/engine-100mb.ts
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, requireTools, runEngine, uniqueStamp } from "../test/support/engine-runner";
import { startS3Server } from "../test/support/s3server";
import { makeStateTree, readTree, sqlite } from "../test/support/state-tree";

const MB = 1024 * 1024;

async function main(): Promise<void> {
  await requireTools();
  const work = mkdtempSync(join(tmpdir(), "ocb-bench-"));
  const s3 = await startS3Server();
  try {
    const state = join(work, "state");
    const workspace = join(work, "workspace");
    // ~10 MB of sessions (1,800 jsonl files), 40 MB + 6 x 8 MB of media, a ~4 MB SQLite memory.
    await makeStateTree(state, workspace, { bigFileBytes: 40 * MB, scale: 600 });
    mkdirSync(join(state, "media/outbound"), { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(state, `media/outbound/image-${i}.png`), randomBytes(8 * MB));
    await sqlite(
      join(state, "memory/main.sqlite"),
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 15000) INSERT INTO chunks(text) SELECT hex(randomblob(128)) FROM n;",
    );
    let total = 0;
    let files = 0;
    for (const dir of [state, workspace]) {
      for (const entry of readTree(dir).values()) {
        if (entry.type !== "file") continue;
        total += entry.size ?? 0;
        files += 1;
      }
    }
    console.log(`state: ${files} files, ${(total / MB).toFixed(1)} MiB on disk (before excludes)`);

    const env = engineEnv(s3, {
      OCB_TENANT: "bench",
      OCB_INSTANCE: "b1",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state} workspace=${workspace}`,
    });
    const rows: string[][] = [
      ["run", "files", "uploaded files", "uploaded bytes (rclone)", "received by server", "server-side copies", "seconds"],
    ];
    const runs: [string, () => void][] = [
      ["first (full)", () => undefined],
      ["second (unchanged)", () => undefined],
      [
        "third (1 session appended)",
        () => appendFileSync(join(state, "agents/main/sessions/2026-11-10 session 0 é.jsonl"), '{"turn":41}\n'),
      ],
    ];
    for (const [label, change] of runs) {
      change();
      s3.resetCounters();
      const started = process.hrtime.bigint();
      const result = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"], timeoutMs: 600_000 });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      expectExit(result, 0, label);
      if (process.env.BENCH_VERBOSE) console.error(`--- ${label} ---\n${result.stderr}`);
      const ev = eventOf(result, "backup.complete");
      rows.push([
        label,
        String(ev.files),
        String(ev.uploadedFiles),
        `${ev.uploadedBytes} (${(Number(ev.uploadedBytes) / MB).toFixed(2)} MiB)`,
        `${s3.bytesReceived()} (${(s3.bytesReceived() / MB).toFixed(2)} MiB)`,
        String(s3.events.filter((e) => e.type === "Copy").length),
        seconds.toFixed(2),
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  } finally {
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
