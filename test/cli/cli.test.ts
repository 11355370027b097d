// The fleet CLI against the data-path tests' S3 server, reading snapshots the real engine wrote.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { V1CronJob } from "@kubernetes/client-node";
import { parse } from "yaml";
import { main } from "../../cli/main";
import { loadFleetConfig } from "../../components/validation/load";
import { ConfigError } from "../../components/config/problems";
import { PROJECT } from "../../scripts/lib/render-stack";
import { readStackFile } from "../../scripts/lib/stack-file";
import { engineEnv, expectExit, poolKeys, requireTools, runEngine } from "../support/engine-runner";
import { startS3Server, type S3Server } from "../support/s3server";
import { makeStateTree } from "../support/state-tree";
import { findObject, runProgram } from "../support/stacks";
import { cli, EngineKube, engineBackup, FakeClock, PASSPHRASE, stamp, STACK, writeStack } from "./fixtures";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const HOUR = 3_600_000;

describe("fleet CLI against a real S3 server and real engine snapshots", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let dir: string;
  let stacksDir: string;
  let state: string;
  let client: S3Client;
  const t = {
    botOld: stamp(NOW - 26 * HOUR),
    botPreUpdate: stamp(NOW - 3 * HOUR),
    botNew: stamp(NOW - 2 * HOUR),
    enc: stamp(NOW - 4 * HOUR),
    ops: stamp(NOW - 5 * 24 * HOUR),
    flakyOk: stamp(NOW - 20 * HOUR),
    flakyBroken: stamp(NOW - 1 * HOUR),
  };

  before(async function () {
    this.timeout(180_000);
    await requireTools();
    s3 = await startS3Server();
    dir = mkdtempSync(join(tmpdir(), "ocb-cli-"));
    stacksDir = writeStack(dir, s3);
    state = join(dir, "state");
    await makeStateTree(state, join(dir, "workspace"));
    await engineBackup(s3, state, "acme", "bot", "periodic", NOW - 26 * HOUR);
    await engineBackup(s3, state, "acme", "bot", "pre-update", NOW - 3 * HOUR);
    await engineBackup(s3, state, "acme", "bot", "periodic", NOW - 2 * HOUR);
    await engineBackup(s3, state, "acme", "enc", "periodic", NOW - 4 * HOUR, { OCB_CRYPT_PASSWORD: PASSPHRASE });
    await engineBackup(s3, state, "globex", "ops", "periodic", NOW - 5 * 24 * HOUR);
    await engineBackup(s3, state, "globex", "flaky", "periodic", NOW - 20 * HOUR);
    await engineBackup(s3, state, "globex", "flaky", "periodic", NOW - 1 * HOUR);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    // The newest flaky run never completed: exactly what prune does first to a snapshot it removes,
    // and what a run that dies before sealing leaves.
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `backups/globex/flaky/periodic/${t.flakyBroken}/snapshot.json` }));
  });

  after(async () => {
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (argv: string[], extra = {}) => cli(s3, dir, ["--now", new Date(NOW).toISOString(), ...argv], extra);

  describe("backups list", () => {
    it("lists every complete snapshot with time, size and file count from its marker, and no incomplete one", async () => {
      const result = await run(["--json", "backups", "list"]);
      assert.equal(result.code, 0, result.stderr);
      const rows = JSON.parse(result.stdout) as {
        snapshot: string;
        kind: string;
        files: number;
        bytes: number;
        encrypted: boolean;
        time: string;
      }[];
      assert.deepEqual(
        rows.map((r) => r.snapshot),
        [
          `backups/globex/ops/periodic/${t.ops}`,
          `backups/acme/bot/periodic/${t.botOld}`,
          `backups/globex/flaky/periodic/${t.flakyOk}`,
          `backups/acme/enc/periodic/${t.enc}`,
          `backups/acme/bot/pre-update/${t.botPreUpdate}`,
          `backups/acme/bot/periodic/${t.botNew}`,
        ],
      );
      for (const r of rows) {
        assert.ok(r.files > 10 && r.bytes > 1000, `${r.snapshot}: ${r.files} files, ${r.bytes} bytes`);
      }
      assert.equal(rows.find((r) => r.snapshot.includes("/enc/"))?.encrypted, true);
      assert.equal(rows[0]?.time, new Date(NOW - 5 * 24 * HOUR).toISOString());
    });

    it("filters by tenant, instance and kind, and prints a table for people", async () => {
      const result = await run(["backups", "list", "--tenant", "acme", "--instance", "bot", "--kind", "pre-update"]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.split("\n");
      assert.match(lines[0] ?? "", /^TIME\s+TENANT\/INSTANCE\s+KIND\s+FILES\s+SIZE\s+ENCRYPTED\s+SNAPSHOT$/);
      assert.equal(lines.length, 2);
      assert.match(
        lines[1] ?? "",
        new RegExp(`acme/bot\\s+pre-update\\s+\\d+\\s+[\\d.]+ KiB\\s+no\\s+backups/acme/bot/pre-update/${t.botPreUpdate}$`),
      );
      assert.match(result.stderr, /listing backups\/acme\/bot\//, "progress goes to stderr");
    });

    it("names the tenants when the tenant is wrong, and the kinds when the kind is", async () => {
      const wrongTenant = await run(["backups", "list", "--tenant", "acmee"]);
      assert.equal(wrongTenant.code, 4);
      assert.match(wrongTenant.stderr, /no tenant "acmee" in this stack \(tenants: acme, globex, initech\)/);
      const wrongKind = await run(["backups", "list", "--kind", "daily"]);
      assert.equal(wrongKind.code, 2);
      assert.match(wrongKind.stderr, /--kind must be one of periodic, pre-delete, pre-update, manual/);
    });
  });

  describe("backups verify", () => {
    it("checks a snapshot against its manifest, and with --deep every stored object's sha256", async () => {
      const plain = await run(["backups", "verify", "acme/bot/latest"]);
      assert.equal(plain.code, 0, plain.stderr + plain.stdout);
      assert.match(plain.stdout, /manifest\s+ok\s+sha256 matches snapshot.json/);
      assert.match(plain.stdout, new RegExp(`snapshot backups/acme/bot/periodic/${t.botNew} verified`));
      const deep = await run(["--json", "backups", "verify", `backups/acme/bot/pre-update/${t.botPreUpdate}`, "--deep"]);
      assert.equal(deep.code, 0, deep.stdout);
      const report = JSON.parse(deep.stdout) as { ok: boolean; checks: { check: string; ok: boolean }[] };
      assert.ok(report.checks.some((c) => c.check === "checksums" && c.ok));
    });

    it("finds a damaged pack: a changed size at once, changed bytes with --deep (as the engine's own verify does)", async () => {
      const snapshot = `backups/acme/bot/periodic/${t.botOld}`;
      // The pack the snapshot references in its instance's pool.
      const packs = (await poolKeys(s3, snapshot)).packs;
      const key = packs[0];
      assert.ok(key !== undefined && packs.length === 1, "the small files of state are in one pack");
      const original = Buffer.from(
        (await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body?.transformToByteArray()) ?? [],
      );
      const at = original.indexOf("jobs");
      assert.ok(at > 0, "cron/jobs.json is in the pack");
      const damaged = Buffer.from(original);
      damaged[at] = "J".charCodeAt(0);
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: damaged }));
      const shallow = await run(["backups", "verify", `acme/bot/periodic/${t.botOld}`]);
      assert.equal(shallow.code, 0, "same size: only the bytes differ");
      const deep = await run(["backups", "verify", `acme/bot/periodic/${t.botOld}`, "--deep"]);
      assert.equal(deep.code, 5, deep.stdout);
      assert.match(deep.stdout, /sha256 differs: pack state\/\d{8}T\d{6}Z-periodic-001\.tar/);
      const engine = await runEngine({ args: ["verify", `acme/bot/periodic/${t.botOld}`], env: engineEnv(s3, {}) });
      expectExit(engine, 5, "the engine agrees");

      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: Buffer.concat([original, Buffer.from("extra")]) }));
      const grown = await run(["backups", "verify", `acme/bot/periodic/${t.botOld}`]);
      assert.equal(grown.code, 5);
      assert.match(grown.stdout, /size differs: pack state\/\d{8}T\d{6}Z-periodic-001\.tar/);
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: original }));
    });

    it("reads a v5 manifest through its chunks in the pool: a damaged or missing chunk fails, as in the engine's verify", async () => {
      const snapshot = `backups/acme/bot/periodic/${t.botOld}`;
      const chunks = (await poolKeys(s3, snapshot)).chunks;
      const key = chunks[0];
      assert.ok(key !== undefined && key.includes("/pool/manifests/"), `the manifest is chunks in the pool: ${chunks.join(", ")}`);
      const ok = await run(["--json", "backups", "verify", snapshot.slice("backups/".length)]);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /"check": ?"manifest chunks"/);
      const original = Buffer.from(
        (await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body?.transformToByteArray()) ?? [],
      );
      const damaged = Buffer.from(original);
      damaged[damaged.length - 2] = damaged[damaged.length - 2]! ^ 0x01;
      try {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: damaged }));
        const shallow = await run(["backups", "verify", snapshot.slice("backups/".length)]);
        assert.equal(shallow.code, 5, shallow.stdout);
        assert.match(shallow.stdout, /manifest chunk \S+ differs from its index/);
        expectExit(await runEngine({ args: ["verify", snapshot], env: engineEnv(s3, {}) }), 5, "the engine agrees");
        await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
        const gone = await run(["backups", "verify", snapshot.slice("backups/".length)]);
        assert.equal(gone.code, 5, gone.stdout);
        assert.match(gone.stdout, /missing manifest chunk/);
      } finally {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: original }));
      }
      assert.equal((await run(["backups", "verify", snapshot.slice("backups/".length)])).code, 0, "good again once the chunk is back");
    });

    it("checks an encrypted snapshot's object count without the passphrase", async () => {
      const result = await run(["--json", "backups", "verify", "acme/enc/latest"]);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /encrypted objects, \d+ expected/);
    });

    it("says clearly when the snapshot does not exist or never completed", async () => {
      const missing = await run(["backups", "verify", "acme/bot/periodic/20200101T000000Z"]);
      assert.equal(missing.code, 4);
      assert.match(
        missing.stderr,
        new RegExp(`no complete snapshot "acme/bot/periodic/20200101T000000Z".*newest: .*acme/bot/periodic/${t.botNew}`),
      );
      const incomplete = await run(["backups", "verify", `globex/flaky/periodic/${t.flakyBroken}`]);
      assert.equal(incomplete.code, 4);
      assert.match(incomplete.stderr, /exists but is incomplete/);
      const garbage = await run(["backups", "verify", "acme/bot/yesterday"]);
      assert.equal(garbage.code, 2);
      assert.match(garbage.stderr, /cannot read snapshot "acme\/bot\/yesterday"/);
    });
  });

  describe("backups status", () => {
    it("reports healthy, failing and stale per instance, and exits non-zero because some are stale", async () => {
      const result = await run(["--json", "backups", "status"]);
      assert.equal(result.code, 1);
      const rows = JSON.parse(result.stdout) as {
        instance: string;
        health: string;
        lastSnapshot?: { snapshot: string };
        nextRun?: string;
        schedule?: string;
        encryption: string;
        incompleteSinceLast: number;
      }[];
      const health = Object.fromEntries(rows.map((r) => [r.instance, r.health]));
      assert.deepEqual(health, {
        "acme/bot": "healthy",
        "acme/enc": "healthy",
        "globex/flaky": "failing",
        "globex/ops": "stale",
        "initech/new": "stale",
      });
      const bot = rows.find((r) => r.instance === "acme/bot");
      assert.equal(bot?.lastSnapshot?.snapshot, `backups/acme/bot/periodic/${t.botNew}`);
      assert.match(bot?.schedule ?? "", /^\d+ \d+ \* \* \*$/);
      assert.ok(Date.parse(bot?.nextRun ?? "") > NOW && Date.parse(bot?.nextRun ?? "") <= NOW + 24 * HOUR);
      assert.equal(rows.find((r) => r.instance === "acme/enc")?.encryption, "client-side");
      assert.equal(rows.find((r) => r.instance === "globex/flaky")?.incompleteSinceLast, 1);
      assert.match(result.stderr, /stale: globex\/ops, initech\/new/);
    });

    it("exits 0 when every instance is healthy, with a table for people", async () => {
      const healthyDir = mkdtempSync(join(tmpdir(), "ocb-cli-healthy-"));
      writeStack(healthyDir, s3, { acme: { instances: { bot: {} } } });
      const result = await cli(s3, healthyDir, ["--now", new Date(NOW).toISOString(), "backups", "status"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^INSTANCE\s+HEALTH\s+SCHEDULE\s+LAST SNAPSHOT\s+SIZE\s+NEXT RUN\s+RETENTION\s+ENCRYPTION/);
      assert.match(result.stdout, /acme\/bot\s+healthy\s+\d+ \d+ \* \* \* UTC\s+2026-11-22 10:00:00Z \(2h 0m ago\)/);
      rmSync(healthyDir, { recursive: true, force: true });
    });
  });

  describe("restore-snippet", () => {
    it("prints config lines the program's own loader accepts, restoring the instance from that snapshot", async () => {
      const result = await run(["--json", "restore-snippet", `acme/bot/pre-update/${t.botPreUpdate}`]);
      assert.equal(result.code, 0, result.stderr);
      const snippet = JSON.parse(result.stdout) as { restoreFrom: string; commands: string[]; yaml: string; clone: boolean };
      assert.equal(snippet.clone, false);
      assert.deepEqual(snippet.commands, [
        `pulumi config set --stack ${STACK} --path 'tenants.acme.instances.bot.backup.restoreFrom' 'acme/bot/pre-update/${t.botPreUpdate}'`,
      ]);
      const model = applySnippet(snippet.yaml);
      const bot = model.tenants.find((x) => x.name === "acme")?.instances.find((i) => i.name === "bot");
      assert.deepEqual(
        { ...bot?.spec.backup.restoreFrom, form: undefined },
        { type: "snapshot", tenant: "acme", instance: "bot", kind: "pre-update", snapshot: t.botPreUpdate, form: undefined },
      );
    });

    it("clones into another tenant with the platform team's allowance it needs, which the loader requires", async () => {
      const result = await run(["--json", "restore-snippet", "acme/bot/latest", "--into", "globex/copy"]);
      assert.equal(result.code, 0, result.stderr);
      const snippet = JSON.parse(result.stdout) as { commands: string[]; yaml: string; clone: boolean; notes: string[] };
      assert.equal(snippet.clone, true);
      assert.equal(snippet.commands[0], `pulumi config set --stack ${STACK} --path 'platform.tenants.globex.restoreFromTenants[0]' 'acme'`);
      assert.match(
        snippet.notes.join("\n"),
        /platform team's allowance \(platform\.tenants\.globex\.restoreFromTenants; a tenant's own block cannot grant it\)/,
      );
      assert.match(snippet.notes.join("\n"), /not in the stack yet/);
      assert.doesNotMatch(snippet.yaml, /allowCrossTenantRestore/);
      const model = applySnippet(snippet.yaml);
      assert.deepEqual(model.platform.tenants.globex?.restoreFromTenants, ["acme"]);
      const withoutAllowance = snippet.yaml.replace(/ {2}openclaw-fleet:platform:\n(?: {4,}.*\n)+/, "");
      assert.doesNotMatch(withoutAllowance, /restoreFromTenants/);
      assert.throws(
        () => applySnippet(withoutAllowance),
        (e: Error) => e instanceof ConfigError && /add "acme" to platform\.tenants\.globex\.restoreFromTenants/.test(e.message),
      );
      // The old switch in the tenant's own block grants nothing: refused, naming the new key.
      const oldSwitch = withoutAllowance.replace("    globex:\n", "    globex:\n      allowCrossTenantRestore: true\n");
      assert.throws(
        () => applySnippet(oldSwitch),
        (e: Error) =>
          e instanceof ConfigError &&
          /tenants\.globex\.allowCrossTenantRestore: moved to the platform team's block.*platform\.tenants\.globex\.restoreFromTenants/.test(
            e.message,
          ),
      );
    });

    it("asks for no allowance the platform team already gave, and adds a source after the ones listed", async () => {
      const allowedDir = mkdtempSync(join(tmpdir(), "ocb-cli-allowed-"));
      const snippetWith = async (restoreFromTenants: string[]) => {
        writeStack(allowedDir, s3, undefined, { tenants: { globex: { restoreFromTenants } } });
        const result = await cli(s3, allowedDir, [
          "--now",
          new Date(NOW).toISOString(),
          "--json",
          "restore-snippet",
          "acme/bot/latest",
          "--into",
          "globex/copy",
        ]);
        assert.equal(result.code, 0, result.stderr);
        return JSON.parse(result.stdout) as { commands: string[]; yaml: string };
      };
      try {
        const allowed = await snippetWith(["acme"]);
        assert.equal(allowed.commands.length, 1);
        assert.match(allowed.commands[0] ?? "", /--path 'tenants\.globex\.instances\.copy\.backup\.restoreFrom' 'acme\/bot\//);
        assert.doesNotMatch(allowed.yaml, /platform/);
        const other = await snippetWith(["initech"]);
        assert.equal(other.commands[0], `pulumi config set --stack ${STACK} --path 'platform.tenants.globex.restoreFromTenants[1]' 'acme'`);
        assert.match(other.yaml, /restoreFromTenants: \[initech, acme\]/);
      } finally {
        rmSync(allowedDir, { recursive: true, force: true });
      }
    });
  });

  describe("backup now and doctor (cluster faked, Jobs run for real)", () => {
    let cronJobs: V1CronJob[];
    before(async () => {
      const registrations = await runProgram(readStackFile(join(stacksDir, `Pulumi.${STACK}.yaml`), PROJECT));
      cronJobs = ["bot", "enc", "ops", "flaky", "new"].map(
        (name) => findObject(registrations, "CronJob", `${name}-backup`) as unknown as V1CronJob,
      );
    });
    const kube = () => {
      const k = new EngineKube(s3, { bot: state, enc: state, ops: state, flaky: state, new: state });
      for (const c of cronJobs) k.cronJobs.set(`${c.metadata?.namespace}/${c.metadata?.name}`, c);
      k.addStatefulSet("openclaw-acme", "bot");
      return k;
    };

    it("backup now runs a manual Job from the instance's CronJob, and the snapshot it names is then in the store", async () => {
      const k = kube();
      const clock = new FakeClock(NOW);
      const result = await run(["backup", "now", "acme/bot"], { kube: k, clock });
      assert.equal(result.code, 0, `${result.stderr}\n${k.ran.map((r) => r.stderr).join("\n")}`);
      const snapshot = `backups/acme/bot/manual/${stamp(NOW)}`;
      assert.equal(result.stdout, `snapshot complete: ${snapshot}`);
      assert.match(result.stderr, /manual backup to backups\/acme\/bot\/manual\//);
      const listed = await run(["--json", "backups", "list", "--tenant", "acme", "--instance", "bot", "--kind", "manual"]);
      assert.deepEqual(
        (JSON.parse(listed.stdout) as { snapshot: string }[]).map((r) => r.snapshot),
        [snapshot],
      );
    });

    it("backup now reports a failed Job with exit 1, and a wrong instance clearly", async () => {
      // The engine really fails (exit 2): the Job's source directory does not exist.
      const k = new EngineKube(s3, { ops: join(dir, "no-such-volume") });
      for (const c of cronJobs) k.cronJobs.set(`${c.metadata?.namespace}/${c.metadata?.name}`, c);
      const failed = await run(["--json", "backup", "now", "globex/ops"], { kube: k, clock: new FakeClock(NOW) });
      assert.equal(failed.code, 1);
      const report = JSON.parse(failed.stdout) as { result: string; message: string };
      assert.equal(report.result, "failed");
      assert.equal(k.ran[0]?.code, 2, k.ran[0]?.stderr);
      assert.match(report.message, /Job openclaw-globex\/ops-manual-\w+ failed/);
      const wrong = await run(["backup", "now", "acme/bott"], { kube: kube(), clock: new FakeClock(NOW) });
      assert.equal(wrong.code, 4);
      assert.match(wrong.stderr, /no instance "bott" in tenant "acme" \(instances: bot, enc\)/);
    });

    it("doctor checks the bucket, a round trip, and each instance's own identity with a real canary", async () => {
      const k = kube();
      const result = await run(["--json", "doctor"], { kube: k, clock: new FakeClock(NOW) });
      const checks = JSON.parse(result.stdout) as { check: string; target: string; ok: boolean; detail: string }[];
      assert.equal(result.code, 0, `${result.stdout}\n${k.ran.map((r) => r.stderr).join("\n")}`);
      assert.deepEqual(checks.map((c) => `${c.check} ${c.target}`).slice(1), [
        `bucket ${s3.bucket}`,
        `round trip ${s3.bucket}/backups/.openclaw-doctor/`,
        "identity acme/bot",
        "identity acme/enc",
        "identity globex/flaky",
        "identity globex/ops",
        "identity initech/new",
      ]);
      assert.ok(
        k.ran.every((r) => r.code === 0 && /-doctor-/.test(r.job)),
        "the canary scripts really ran against the server",
      );
      // Every canary wrote its object (through its own env) and deleted it again.
      const written = s3.events
        .filter((e) => e.type === "Put" && /^backups\/[^/]+\/[^/]+\/\.openclaw-doctor\//.test(e.key))
        .map((e) => e.key);
      assert.deepEqual(written.map((key) => key.split("/").slice(0, 3).join("/")).sort(), [
        "backups/acme/bot",
        "backups/acme/enc",
        "backups/globex/flaky",
        "backups/globex/ops",
        "backups/initech/new",
      ]);
      const left = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "backups/" }));
      assert.deepEqual(
        (left.Contents ?? []).filter((o) => o.Key?.includes(".openclaw-doctor")),
        [],
      );
    });

    it("doctor fails, naming the check, when the store is down", async () => {
      await s3.stop();
      try {
        const result = await run(["doctor", "--no-cluster"]);
        assert.equal(result.code, 1);
        assert.match(result.stdout, new RegExp(`bucket\\s+${s3.bucket}\\s+FAILED`));
      } finally {
        await s3.start();
      }
    });
  });

  it("names the known stacks when the stack is wrong", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["--stack", "prdo", "backups", "list"], {
      env: {},
      cwd: dir,
      output: { out: (x) => void out.push(x), err: (x) => void err.push(x) },
    });
    assert.equal(code, 2);
    assert.match(err.join("\n"), /no stack "prdo": .*Pulumi\.prdo\.yaml does not exist \(stacks in .*: test\)/);
  });

  function applySnippet(yamlText: string) {
    const doc = parse(yamlText) as {
      config: { "openclaw-fleet:tenants": Record<string, unknown> } & Record<string, Record<string, unknown> | undefined>;
    };
    const raw = readStackFile(join(stacksDir, `Pulumi.${STACK}.yaml`), PROJECT);
    const tenants = structuredClone(raw.values.tenants) as Record<
      string,
      { instances?: Record<string, Record<string, unknown>>; [k: string]: unknown }
    >;
    for (const [tenant, value] of Object.entries(doc.config["openclaw-fleet:tenants"])) {
      const v = value as { instances: Record<string, { backup: { restoreFrom: string } }>; [k: string]: unknown };
      tenants[tenant] ??= { instances: {} };
      for (const [key, setting] of Object.entries(v)) if (key !== "instances") tenants[tenant][key] = setting;
      for (const [instance, settings] of Object.entries(v.instances)) {
        const current = tenants[tenant].instances?.[instance] ?? {};
        tenants[tenant].instances = {
          ...tenants[tenant].instances,
          [instance]: { ...current, backup: { ...(current.backup as object), restoreFrom: settings.backup.restoreFrom } },
        };
      }
    }
    const platform = doc.config["openclaw-fleet:platform"] ?? raw.values.platform;
    return loadFleetConfig({ ...raw, values: { ...raw.values, tenants, ...(platform !== undefined ? { platform } : {}) } });
  }
});
