// The local S3 server of the data-path tests (s3rver on 127.0.0.1), plus what the benchmark reads
// from it: what each operation made the server store, and what a prefix holds.
import { join } from "node:path";
import { run, storeEnv } from "../../test/support/engine-runner";
import type { S3Server } from "../../test/support/s3server";

/** What one operation cost, as the server saw it. */
export interface Transfer {
  readonly wallMs: number;
  /** Object bytes the client sent (PUT and multipart uploads): what crosses the network to the store. */
  readonly uploadedBytes: number;
  /** Every request byte the server read, headers included (a server-side copy is a few hundred). */
  readonly wireBytes: number;
  /** Objects created: uploads plus server-side copies. */
  readonly objectsWritten: number;
  readonly serverSideCopies: number;
  /** Bytes the store duplicated internally for those copies (not sent by the client). */
  readonly copiedBytes: number;
}

export interface PrefixUsage {
  readonly objects: number;
  readonly bytes: number;
}

/** Env for every rclone the benchmark starts: the store remote and nothing inherited but PATH (AWS_CA_BUNDLE breaks rclone 1.60). */
export function rcloneEnv(s3: S3Server, home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...storeEnv(s3) };
}

export async function rcloneOk(s3: S3Server, home: string, args: readonly string[], timeoutMs = 900_000): Promise<string> {
  const result = await run("rclone", ["--config", "", "--fast-list", ...args], rcloneEnv(s3, home), { timeoutMs, cwd: home });
  if (result.code !== 0 || result.timedOut) {
    throw new Error(
      `rclone ${args.join(" ")} failed (exit ${result.code}${result.timedOut ? ", timed out" : ""}):\n${result.stderr.slice(-3000)}`,
    );
  }
  return result.stdout;
}

/** Runs `operation` and reads back what the server stored during it. */
export async function metered(s3: S3Server, operation: () => Promise<void>): Promise<Transfer> {
  s3.resetCounters();
  const started = performance.now();
  await operation();
  const wallMs = performance.now() - started;
  let uploadedBytes = 0;
  let objectsWritten = 0;
  let serverSideCopies = 0;
  let copiedBytes = 0;
  for (const e of s3.events) {
    if (e.type === "Put" || e.type === "Post") {
      uploadedBytes += e.size;
      objectsWritten++;
    } else if (e.type === "Copy") {
      copiedBytes += e.size;
      serverSideCopies++;
      objectsWritten++;
    }
  }
  return { wallMs, uploadedBytes, wireBytes: s3.bytesReceived(), objectsWritten, serverSideCopies, copiedBytes };
}

/** Objects and bytes stored under a bucket prefix (`rclone size`). */
export async function prefixUsage(s3: S3Server, home: string, prefix: string): Promise<PrefixUsage> {
  const out = await rcloneOk(s3, home, ["size", "--json", `store:${join(s3.bucket, prefix)}/`]);
  const parsed = JSON.parse(out) as { count: number; bytes: number };
  return { objects: parsed.count, bytes: parsed.bytes };
}
