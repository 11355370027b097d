// A stack file pointing at the in-process S3 server, real snapshots written by the real engine
// scripts, and a fake cluster whose Jobs run the engine (or the doctor's canary) for real.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { V1Job } from "@kubernetes/client-node";
import { ENGINE_CONTAINER, ENGINE_MOUNT } from "../../components/builders/backup/pod-template";
import type { CliEnvironment } from "../../cli/main";
import { main } from "../../cli/main";
import { ENV } from "../../cli/store";
import { commandFromContainer, engineEnv, envFromContainer, expectExit, run, runEngine, withStore } from "../support/engine-runner";
import type { S3Server } from "../support/s3server";
import { FakeClock, FakeKube } from "../lifecycle/fake-kube";

export const PASSPHRASE = "correct horse battery staple";
export const STACK = "test";

/** One stack: acme/{bot,enc}, globex/{ops,flaky}, initech/new, daily schedules, the test server as an S3-compatible store. */
export function writeStack(dir: string, s3: S3Server, tenants?: Record<string, unknown>, platform?: Record<string, unknown>): string {
  const stacks = join(dir, "stacks");
  mkdirSync(stacks, { recursive: true });
  const secure = { secure: "v1:placeholder" };
  const doc = {
    config: {
      "openclaw-fleet:cluster": { kubernetes: { context: "test-cluster" } },
      "openclaw-fleet:backup": {
        store: {
          kind: "s3Compatible",
          endpoint: s3.endpoint,
          bucket: s3.bucket,
          region: "us-east-1",
          provider: "Minio",
          credentials: { accessKeyId: { secretRef: "store-key" }, secretAccessKey: { secretRef: "store-secret" } },
        },
      },
      "openclaw-fleet:defaults": { image: { tag: "2026.9.6" }, backup: { schedule: "1d" } },
      "openclaw-fleet:tenants": tenants ?? {
        acme: { instances: { bot: {}, enc: { backup: { encryption: { passphrase: { secretRef: "passphrase" } } } } } },
        globex: { instances: { ops: {}, flaky: {} } },
        initech: { instances: { new: {} } },
      },
      "openclaw-fleet:secrets": { "store-key": secure, "store-secret": secure, passphrase: secure },
      ...(platform !== undefined ? { "openclaw-fleet:platform": platform } : {}),
    },
  };
  writeFileSync(join(stacks, `Pulumi.${STACK}.yaml`), stringify(doc));
  return stacks;
}

export function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** One real snapshot of `sourceDir` by the engine, named for `atMs`. */
export async function engineBackup(
  s3: S3Server,
  sourceDir: string,
  tenant: string,
  instance: string,
  kind: string,
  atMs: number,
  extra: Record<string, string> = {},
): Promise<void> {
  const result = await runEngine({
    args: ["backup"],
    env: engineEnv(s3, {
      OCB_TENANT: tenant,
      OCB_INSTANCE: instance,
      OCB_KIND: kind,
      OCB_SOURCES: `state=${sourceDir}`,
      OCB_NOW: stamp(atMs),
      // Keep every snapshot: these tests are about reading them, not retention.
      OCB_RETENTION_KEEP_LAST: "0",
      OCB_RETENTION_MAX_AGE_DAYS: "0",
      OCB_INCOMPLETE_GRACE_HOURS: "100000",
      ...extra,
    }),
  });
  expectExit(result, 0, `engine backup ${tenant}/${instance}/${kind}`);
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnvironment(
  s3: S3Server,
  cwd: string,
  extra: Partial<CliEnvironment> = {},
): { environment: (o: { out: string[]; err: string[] }) => CliEnvironment } {
  return {
    environment: (o) => ({
      env: { [ENV.accessKeyId]: s3.accessKeyId, [ENV.secretAccessKey]: s3.secretAccessKey, PATH: process.env.PATH },
      cwd,
      output: { out: (t) => void o.out.push(t), err: (t) => void o.err.push(t) },
      readConfig: async () => {
        throw new Error("the CLI must take the keys from the environment here, not from pulumi");
      },
      ...extra,
    }),
  };
}

export async function cli(s3: S3Server, cwd: string, argv: string[], extra: Partial<CliEnvironment> = {}): Promise<Captured> {
  const o = { out: [] as string[], err: [] as string[] };
  const code = await main(["--stack", STACK, ...argv], cliEnvironment(s3, cwd, extra).environment(o));
  return { code, stdout: o.out.join("\n"), stderr: o.err.join("\n") };
}

/**
 * A cluster whose Jobs really run: a backup Job's engine container runs the engine scripts
 * against the test server with the Job's own env (store settings swapped for the server's),
 * a doctor canary runs its script the same way. The Job then completes or fails with it.
 */
export class EngineKube extends FakeKube {
  readonly ran: { job: string; code: number | null; stderr: string }[] = [];

  constructor(
    private readonly s3: S3Server,
    private readonly sources: Record<string, string>,
  ) {
    super();
    this.jobPolls = 0;
  }

  override async createJob(namespace: string, job: V1Job): Promise<void> {
    await super.createJob(namespace, job);
    const engine = job.spec?.template.spec?.containers.find((c) => c.name === ENGINE_CONTAINER);
    if (engine === undefined) throw new Error("no engine container");
    const instance = job.metadata?.labels?.["app.kubernetes.io/instance"] ?? "";
    const refs = {
      [`${instance}-backup/accessKeyId`]: this.s3.accessKeyId,
      [`${instance}-backup/secretAccessKey`]: this.s3.secretAccessKey,
      [`${instance}-backup-passphrase/passphrase`]: PASSPHRASE,
    };
    const env = withStore(envFromContainer(engine.env as never, refs), this.s3);
    const work = mkdtempSync(join(tmpdir(), "ocb-cli-job-"));
    let result;
    if (engine.command?.[1] === "-c") {
      result = await run(
        "sh",
        ["-c", engine.args?.[0] ?? ""],
        { PATH: process.env.PATH ?? "", HOME: work, TMPDIR: work, ...env },
        { timeoutMs: 60_000 },
      );
    } else {
      // The pod's mounts are not here: the source dir and scratch are this machine's; SQLite goes through sqlite3.
      const { OCB_SQLITE_STAGING: _staging, ...rest } = env;
      result = await runEngine({
        command: commandFromContainer([...(engine.command ?? []), ...(engine.args ?? [])], ENGINE_MOUNT),
        args: [],
        env: { ...rest, OCB_SOURCES: `state=${this.sources[instance]}`, OCB_WORK_DIR: work },
      });
    }
    this.ran.push({ job: job.metadata?.name ?? "", code: result.code, stderr: result.stderr });
    this.jobScript = result.code === 0 ? "complete" : "fail";
  }
}

export { FakeClock };
