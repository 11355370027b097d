// restic through the engine's fault and name matrix, on moto (the engine's second test server;
// restic's streaming uploads are not decoded by s3rver): every name and entry type (the torture
// tree), a damaged data object, a run killed mid-upload, a wrong password, listing without the key,
// retention by count and age. Prints one table row per case: what restic did, and what the engine
// does in the same case (its tests prove that half).
//
//   tsx bench/backup/restic-matrix.ts        (needs test/toolchain/build.sh restic)
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../test/support/engine-runner";
import { cachedToolsPath, useEngineTools } from "../../test/support/engine-tools";
import { startMotoServer, type S3Server } from "../../test/support/s3server";
import { rcloneOk } from "./store";
import { diffExactTrees, makeTortureTree, readExactTree } from "../../test/support/torture-tree";
import { renderTable } from "../lib/table";

interface Row {
  readonly matrixCase: string;
  readonly restic: string;
  readonly engine: string;
}

function resticEnv(s3: S3Server, home: string, repo: string, password = "matrix-password"): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    RESTIC_REPOSITORY: `s3:${s3.endpoint}/${s3.bucket}/${repo}`,
    RESTIC_PASSWORD: password,
  };
}

async function main(): Promise<void> {
  useEngineTools();
  const restic = join(cachedToolsPath("restic"), "restic");
  const scratch = mkdtempSync(join(tmpdir(), "restic-matrix-"));
  const s3 = await startMotoServer();
  const rows: Row[] = [];
  const r = async (env: Record<string, string>, args: string[], cwd?: string, timeoutMs = 300_000) =>
    run(restic, args, env, { timeoutMs, ...(cwd ? { cwd } : {}) });
  try {
    // 1. Names and entry types.
    const src = join(scratch, "torture");
    mkdirSync(src);
    const tree = await makeTortureTree(src);
    const env = resticEnv(s3, scratch, "restic/names");
    await r(env, ["init", "--no-cache"]);
    const backup = await r(env, ["backup", "--no-cache", "."], src);
    await tree.close();
    const expected = readExactTree(src, (rel) => tree.sockets.some((s) => s.equals(rel)));
    const dst = join(scratch, "torture-restored");
    const restore = await r(env, ["restore", "--no-cache", "latest", "--target", dst]);
    const diff =
      backup.code === 0 && restore.code === 0
        ? diffExactTrees(expected, readExactTree(dst))
        : [`backup exit ${backup.code}, restore exit ${restore.code}`];
    rows.push({
      matrixCase:
        "torture tree: every control character, newline, invalid UTF-8, U+2409, long names and paths, symlinks, hard links, FIFOs, sockets, odd modes",
      restic: diff.length === 0 ? "byte for byte (sockets: skipped)" : `${diff.length} difference(s): ${diff.slice(0, 3).join("; ")}`,
      engine: "byte for byte; sockets and devices named in a warning (test/engine/names.test.ts)",
    });

    // 2. A damaged data object: its largest pack rewritten through the S3 API with bytes flipped.
    const listing = await rcloneOk(s3, scratch, [
      "lsf",
      "-R",
      "--files-only",
      "--format",
      "sp",
      "--separator",
      "\t",
      `store:${s3.bucket}/restic/names/data/`,
    ]);
    const largest = listing
      .trim()
      .split("\n")
      .map((l) => l.split("\t"))
      .sort((x, y) => Number(y[0]) - Number(x[0]))[0]![1]!;
    const local = join(scratch, "victim");
    await rcloneOk(s3, scratch, ["copyto", `store:${s3.bucket}/restic/names/data/${largest}`, local]);
    const bytes = readFileSync(local);
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    writeFileSync(local, bytes);
    await rcloneOk(s3, scratch, ["copyto", local, `store:${s3.bucket}/restic/names/data/${largest}`]);
    const check = await r(env, ["check", "--no-cache"]);
    const checkData = await r(env, ["check", "--no-cache", "--read-data"]);
    const damagedRestore = await r(env, ["restore", "--no-cache", "latest", "--target", join(scratch, "damaged-restored")]);
    rows.push({
      matrixCase: "a data object damaged in the store",
      restic: `check: exit ${check.code} (structure only); check --read-data: exit ${checkData.code}; restore: exit ${damagedRestore.code}${damagedRestore.code === 0 ? " (restored the rest, reported the damaged blobs on stderr)" : ""}`,
      engine: "restore and verify: exit 5, target untouched (test/engine/failures.test.ts)",
    });

    // 3. A run killed mid-upload, then the next backup.
    const big = join(scratch, "big");
    mkdirSync(big);
    for (let i = 0; i < 8; i++) writeFileSync(join(big, `f${i}.bin`), randomBytes(8 * 1024 * 1024));
    const envKill = resticEnv(s3, scratch, "restic/killed");
    await r(envKill, ["init", "--no-cache"]);
    const killed = await r(envKill, ["backup", "--no-cache", "--limit-upload", "2048", "."], big, 6_000);
    const after = await r(envKill, ["backup", "--no-cache", "."], big);
    const locks = await r(envKill, ["list", "locks", "--no-cache", "--no-lock"]);
    const forgetStale = await r(envKill, ["forget", "--no-cache", "--keep-last", "1", "--prune"]);
    rows.push({
      matrixCase: "a backup killed mid-upload, then the next backup and a prune",
      restic: `killed run: ${killed.timedOut ? "killed" : `exit ${killed.code}`}; next backup: exit ${after.code}; stale locks left: ${locks.stdout.trim().split("\n").filter(Boolean).length}; forget --prune: exit ${forgetStale.code}${forgetStale.code !== 0 ? ` (${forgetStale.stderr.trim().split("\n").pop()})` : ""}`,
      engine:
        "killed run: incomplete snapshot, invisible; next backup and prune work; its lock delays pool collection until the grace period (test/engine/failures.test.ts, pool.test.ts)",
    });

    // 4. Wrong password.
    const wrong = await r({ ...env, RESTIC_PASSWORD: "not-the-password" }, ["snapshots", "--no-cache"]);
    rows.push({
      matrixCase: "wrong passphrase",
      restic: `exit ${wrong.code}: ${wrong.stderr.trim().split("\n").pop()}`,
      engine: "exit 5, nothing restored (test/engine/failures.test.ts)",
    });

    // 5. Listing without the key (what the fleet CLI and alerts read).
    const nokey = await r({ ...env, RESTIC_PASSWORD: "" }, ["snapshots", "--no-cache"]);
    rows.push({
      matrixCase: "list snapshots without the key (fleet CLI status, alerts)",
      restic: `exit ${nokey.code}: every repository file but the config is encrypted, snapshot list included`,
      engine: "snapshot.json markers are plain: list, status, retention work without the passphrase",
    });

    // 6. Retention by count and age, in one command.
    const envRet = resticEnv(s3, scratch, "restic/retention");
    await r(envRet, ["init", "--no-cache"]);
    const small = join(scratch, "small");
    mkdirSync(small);
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(small, "a.txt"), `v${i}\n`);
      await r(envRet, ["backup", "--no-cache", "--time", `2026-10-0${i + 1} 03:00:00`, "."], small);
    }
    const forget = await r(envRet, ["forget", "--no-cache", "--keep-last", "2", "--keep-within", "3d", "--prune"]);
    const left = await r(envRet, ["snapshots", "--no-cache", "--json"]);
    rows.push({
      matrixCase: "retention by count and age, then prune",
      restic: `forget --keep-last 2 --keep-within 3d --prune: exit ${forget.code}, ${(JSON.parse(left.stdout || "[]") as unknown[]).length} snapshot(s) left; prune takes an exclusive lock (no backup of the instance meanwhile)`,
      engine:
        "keep-last and max-age per kind, newest of each kind kept; pool collection skips while another backup holds a lock (test/engine/retention.test.ts, pool.test.ts)",
    });
  } finally {
    await s3.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(
    `${renderTable({ title: "restic 0.17.3 through the engine's fault and name matrix (moto on 127.0.0.1)", headers: ["case", "restic", "engine"], rows: rows.map((x) => [x.matrixCase, x.restic, x.engine]) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
