// The ways to back up an instance's state that the benchmark compares (the engine, the two it
// replaces, and restic, the deduplicating tool it was measured against), each able to back up the
// tree under a stamp and to restore the newest backup into an empty directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_ENTRYPOINT } from "../../components/builders/backup/engine";
import { run } from "../../test/support/engine-runner";
import type { S3Server } from "../../test/support/s3server";
import { cachedToolsPath } from "../../test/support/engine-tools";
import { rcloneEnv, rcloneOk } from "./store";

export type ApproachId = "engine" | "fullCopy" | "tarGz";

/** Per-run knobs that every approach applies the same way. */
export interface RunOptions {
  /** Extra rclone flags, e.g. ["--bwlimit", "12.5M"] to model a slower link than loopback. */
  readonly rcloneFlags?: readonly string[];
}

/** Milliseconds per phase of one run, when the approach can tell (the engine logs its steps). */
export type Phases = Record<string, number>;

/** Anything that backs up a tree and restores the newest backup (the approaches, and restic). */
export interface Comparable {
  readonly id: string;
  readonly label: string;
  readonly prefix: string;
  backup(source: string, stamp: string, options?: RunOptions): Promise<Phases | undefined>;
  restore(target: string): Promise<Phases | undefined>;
}

export interface Approach extends Comparable {
  readonly id: ApproachId;
  readonly label: string;
  /** Bucket prefix holding everything this approach stored for the series. */
  readonly prefix: string;
  /** Backs up `source` as the snapshot named `stamp` (YYYYMMDDTHHMMSSZ). */
  backup(source: string, stamp: string, options?: RunOptions): Promise<Phases | undefined>;
  /** Restores the newest backup into `target` (an empty, existing directory). */
  restore(target: string): Promise<Phases | undefined>;
}

export interface Context {
  readonly s3: S3Server;
  /** Scratch dir of this benchmark: rclone's HOME and the engine's work dir. */
  readonly scratch: string;
  /** Series name: a fresh instance (engine) or prefix (baselines), so runs never see each other's data. */
  readonly series: string;
}

const TENANT = "bench";
const TIMEOUT_MS = 900_000;

/**
 * Splits an engine run into phases by the moment each step's log line arrived: `marks` maps a
 * phase name to the log text that ends it; the last phase ends when the process does.
 */
function phaseClock(marks: readonly (readonly [string, RegExp])[]) {
  const started = performance.now();
  const seen: [string, number][] = [];
  return {
    onStderr(chunk: string): void {
      for (const line of chunk.split("\n")) {
        const next = marks[seen.length];
        if (next && next[1].test(line)) seen.push([next[0], performance.now() - started]);
      }
    },
    finish(last: string): Phases {
      const phases: Phases = {};
      let previous = 0;
      for (const [name, at] of seen) {
        phases[name] = at - previous;
        previous = at;
      }
      phases[last] = performance.now() - started - previous;
      return phases;
    },
  };
}

async function ok(
  what: string,
  result: Promise<{ code: number | null; timedOut: boolean; stderr: string; stdout: string }>,
): Promise<string> {
  const r = await result;
  if (r.code !== 0 || r.timedOut)
    throw new Error(`${what} failed (exit ${r.code}${r.timedOut ? ", timed out" : ""}):\n${r.stderr.slice(-4000)}`);
  return r.stdout;
}

/** The engine as its pods run it: `sh openclaw-backup.sh backup|restore` with an env-only config. */
export function engine(ctx: Context): Approach {
  const env = (extra: Record<string, string>) => ({
    ...rcloneEnv(ctx.s3, ctx.scratch),
    TMPDIR: ctx.scratch,
    OCB_BUCKET: ctx.s3.bucket,
    OCB_PREFIX: "backups/",
    OCB_TENANT: TENANT,
    OCB_INSTANCE: ctx.series,
    // Keep every snapshot: the storage figures are for all of them.
    OCB_PRUNE_AFTER_BACKUP: "false",
    OCB_WORK_DIR: ctx.scratch,
    ...extra,
  });
  const script = join(ENGINE_DIR, ENGINE_ENTRYPOINT);
  return {
    id: "engine",
    label: "openclaw-backup engine (incremental snapshots)",
    prefix: `backups/${TENANT}/${ctx.series}`,
    async backup(source, stamp, options) {
      // prepare = index, previous manifest, scan, SQLite capture, hashing, staging; transfer = uploads into the pool and the seal.
      const clock = phaseClock([["prepare", /ocb\[backup\] (reuse|upload): /]]);
      const flags = options?.rcloneFlags?.join(" ");
      await ok(
        "engine backup",
        run(
          "sh",
          [script, "backup"],
          env({
            OCB_KIND: "periodic",
            OCB_SOURCES: `state=${source}`,
            OCB_NOW: stamp,
            ...(flags ? { OCB_RCLONE_EXTRA_FLAGS: flags } : {}),
          }),
          {
            timeoutMs: TIMEOUT_MS,
            onStderr: (chunk) => clock.onStderr(chunk),
          },
        ),
      );
      return clock.finish("transfer+seal");
    },
    async restore(target) {
      const clock = phaseClock([
        ["resolve", /ocb\[restore\] download: /],
        ["download+verify", /ocb\[restore\] verified source/],
      ]);
      await ok(
        "engine restore",
        run(
          "sh",
          [script, "restore"],
          env({
            OCB_SOURCES: `state=${target}`,
            OCB_RESTORE_FROM: `${TENANT}/${ctx.series}/latest`,
            OCB_RESTORE_UID: "0",
            OCB_RESTORE_GID: "0",
          }),
          {
            timeoutMs: TIMEOUT_MS,
            onStderr: (chunk) => clock.onStderr(chunk),
          },
        ),
      );
      return clock.finish("layout+swap");
    },
  };
}

/** (a) The operator's pre-delete/pre-update backups and KubeClaw: `rclone copy` of the whole tree to a fresh prefix. */
export function fullCopy(ctx: Context): Approach {
  const prefix = `full/${TENANT}/${ctx.series}`;
  let latest: string | undefined;
  return {
    id: "fullCopy",
    label: "(a) rclone copy to a fresh prefix",
    prefix,
    async backup(source, stamp, options) {
      await rcloneOk(
        ctx.s3,
        ctx.scratch,
        [...(options?.rcloneFlags ?? []), "copy", source, `store:${ctx.s3.bucket}/${prefix}/${stamp}/`],
        TIMEOUT_MS,
      );
      latest = stamp;
      return undefined;
    },
    async restore(target) {
      if (latest === undefined) throw new Error("fullCopy: nothing backed up yet");
      await rcloneOk(ctx.s3, ctx.scratch, ["copy", `store:${ctx.s3.bucket}/${prefix}/${latest}/`, target], TIMEOUT_MS);
      return undefined;
    },
  };
}

/** (b) OpenClaw's proposed built-in backup and the AWS skill: one tar.gz, streamed up in a single upload. */
export function tarGz(ctx: Context): Approach {
  const prefix = `tar/${TENANT}/${ctx.series}`;
  let latest: string | undefined;
  const env = rcloneEnv(ctx.s3, ctx.scratch);
  return {
    id: "tarGz",
    label: "(b) tar.gz + one upload",
    prefix,
    async backup(source, stamp, options) {
      const dest = `store:${ctx.s3.bucket}/${prefix}/${stamp}.tar.gz`;
      // "$@" after the two paths carries the extra rclone flags without word-splitting surprises.
      const script = 'src=$1; dest=$2; shift 2; tar -C "$src" -czf - . | rclone --config "" "$@" rcat "$dest"';
      await ok(
        "tar.gz backup",
        run("bash", ["-o", "pipefail", "-c", script, "tar-backup", source, dest, ...(options?.rcloneFlags ?? [])], env, {
          timeoutMs: TIMEOUT_MS,
          cwd: ctx.scratch,
        }),
      );
      latest = stamp;
      return undefined;
    },
    async restore(target) {
      if (latest === undefined) throw new Error("tarGz: nothing backed up yet");
      const src = `store:${ctx.s3.bucket}/${prefix}/${latest}.tar.gz`;
      await ok(
        "tar.gz restore",
        run("bash", ["-o", "pipefail", "-c", 'rclone --config "" cat "$1" | tar -C "$2" -xzf -', "tar-restore", src, target], env, {
          timeoutMs: TIMEOUT_MS,
          cwd: ctx.scratch,
        }),
      );
      return undefined;
    },
  };
}

/** The reference for restore time: a plain `rclone copy` of the very objects of a snapshot. */
export async function plainCopy(ctx: Context, prefix: string, target: string, flags: readonly string[] = []): Promise<void> {
  await rcloneOk(ctx.s3, ctx.scratch, [...flags, "copy", `store:${ctx.s3.bucket}/${prefix}/`, target], TIMEOUT_MS);
}

/** Parallel downloads of the engine's restore, read from restore.sh so the comparison stays true to it. */
export function engineRestoreTransfers(): number {
  const match = /^RESTORE_TRANSFERS=(\d+)$/m.exec(readFileSync(join(ENGINE_DIR, "restore.sh"), "utf8"));
  if (!match) throw new Error("RESTORE_TRANSFERS not found in restore.sh");
  return Number(match[1]);
}

/**
 * restic (built from its Go module at the version we would ship, test/toolchain/build.sh restic):
 * one repository per instance under its prefix, as a pod would run it, with no persistent cache
 * (`--no-cache`: a CronJob pod starts empty). Same source tree, no excludes, like (a).
 */
export function restic(ctx: Context): Comparable {
  const prefix = `restic/${TENANT}/${ctx.series}`;
  const bin = join(resticToolsPath(), "restic");
  const env: Readonly<Record<string, string>> = {
    PATH: process.env.PATH ?? "",
    HOME: ctx.scratch,
    AWS_ACCESS_KEY_ID: ctx.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ctx.s3.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    RESTIC_REPOSITORY: `s3:${ctx.s3.endpoint}/${ctx.s3.bucket}/${prefix}`,
    RESTIC_PASSWORD: "bench-restic-password",
  };
  let initialised = false;
  return {
    id: "restic",
    label: "restic (chunk-level dedup, compression)",
    prefix,
    async backup(source, stamp, options) {
      const limit: string[] = [];
      if (options?.rcloneFlags?.length) {
        // --bwlimit in rclone's syntax (bytes/s with a suffix); restic takes KiB/s.
        const value = options.rcloneFlags[options.rcloneFlags.indexOf("--bwlimit") + 1] ?? "";
        const m = /^([\d.]+)([KMG]?)$/.exec(value);
        if (!m) throw new Error(`restic: cannot translate rclone flags ${options.rcloneFlags.join(" ")}`);
        const kib = Number(m[1]) * ({ "": 1 / 1024, K: 1, M: 1024, G: 1024 * 1024 } as Record<string, number>)[m[2] ?? ""]!;
        limit.push("--limit-upload", String(Math.round(kib)));
      }
      if (!initialised) {
        await ok("restic init", run(bin, ["init", "--no-cache"], env, { timeoutMs: TIMEOUT_MS }));
        initialised = true;
      }
      await ok(
        "restic backup",
        run(bin, ["backup", "--no-cache", ...limit, "--host", "bench", "--tag", stamp, "."], env, { timeoutMs: TIMEOUT_MS, cwd: source }),
      );
      return undefined;
    },
    async restore(target) {
      await ok("restic restore", run(bin, ["restore", "--no-cache", "latest", "--target", target], env, { timeoutMs: TIMEOUT_MS }));
      return undefined;
    },
  };
}

function resticToolsPath(): string {
  return cachedToolsPath("restic");
}
