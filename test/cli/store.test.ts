// How the fleet CLI finds the buckets of an aws store (the stack output `backupBuckets`): by
// tenant with bucketPer fleet or tenant, by `<tenant>/<instance>` with bucketPer instance, and
// `backups status` / `list` reading each instance's snapshots from its own bucket.
import * as assert from "node:assert/strict";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { listSnapshots } from "../../cli/list";
import { instanceStatuses } from "../../cli/status";
import { ENV, openStore, type OutputReader, type Store } from "../../cli/store";
import type { Context } from "../../cli/context";
import { realClock } from "../../components/lifecycle-hooks/kube";
import { loadFleetConfig } from "../../components/validation/load";
import type { FleetModel } from "../../components/config/model";
import { awsFleet } from "../backup-store/support/fleet";
import { startS3Server, type S3Server } from "../support/s3server";
import { snapshotKeys } from "../support/snapshot-index";

const PER_INSTANCE_OUTPUT: Record<string, string> = {
  "acme/bot": "b-acme-bot",
  "acme/bot2": "b-acme-bot2",
  "globex/ops": "b-globex-ops",
  "globex/research": "b-globex-research",
  "initech/helpdesk": "b-initech-helpdesk",
  "initech/hr": "b-initech-hr",
};

function model(store: Record<string, unknown>): FleetModel {
  return loadFleetConfig(awsFleet({ store }));
}

function reader(output: Record<string, string>): OutputReader & { calls: number } {
  const read = Object.assign(
    async (_stack: string, name: string) => {
      read.calls++;
      assert.equal(name, "backupBuckets");
      return output;
    },
    { calls: 0 },
  );
  return read;
}

describe("fleet CLI: the buckets of an aws store", () => {
  it("bucketPer: instance: one bucket per instance from backupBuckets' <tenant>/<instance> keys", async () => {
    const read = reader(PER_INSTANCE_OUTPUT);
    const store = await openStore(model({ bucketPer: "instance" }), { stack: "test", env: {}, readOutput: read });
    assert.equal(await store.bucketFor("acme", "bot2"), "b-acme-bot2");
    assert.deepEqual(await store.locationsOf("acme"), [
      { bucket: "b-acme-bot", instance: "bot" },
      { bucket: "b-acme-bot2", instance: "bot2" },
    ]);
    assert.deepEqual(await store.locationsOf("globex", "ops"), [{ bucket: "b-globex-ops", instance: "ops" }]);
    assert.deepEqual((await store.buckets()).sort(), Object.values(PER_INSTANCE_OUTPUT).sort());
    await assert.rejects(
      store.bucketFor("acme"),
      /has a bucket per instance \(backup\.store\.bucketPer: instance\): name the instance of tenant "acme"/,
    );
    await assert.rejects(
      store.bucketFor("acme", "gone"),
      new RegExp(`no bucket known for instance "acme/gone" .*set ${ENV.bucket} to that bucket's name`),
    );
    assert.equal(read.calls, 1, "the output is read once");
  });

  it("bucketPer: tenant and fleet: one bucket per tenant, whatever the instance (the output's shape is unchanged)", async () => {
    const perTenant = await openStore(model({ bucketPer: "tenant" }), {
      stack: "test",
      env: {},
      readOutput: reader({ acme: "b-acme", globex: "b-globex", initech: "b-initech" }),
    });
    assert.equal(await perTenant.bucketFor("acme"), "b-acme");
    assert.equal(await perTenant.bucketFor("acme", "bot"), "b-acme");
    assert.deepEqual(await perTenant.locationsOf("globex"), [{ bucket: "b-globex" }]);
    assert.deepEqual(await perTenant.locationsOf("globex", "ops"), [{ bucket: "b-globex", instance: "ops" }]);
    await assert.rejects(perTenant.bucketFor("nobody"), /no bucket known for tenant "nobody"/);
    const fleet = await openStore(model({}), { stack: "test", env: {}, readOutput: reader({ acme: "b", globex: "b", initech: "b" }) });
    assert.deepEqual(await fleet.buckets(), ["b"]);
  });

  it("OPENCLAW_FLEET_BUCKET names the one bucket to read, without the stack output (e.g. a removed instance's kept bucket)", async () => {
    const read = reader({});
    const store = await openStore(model({ bucketPer: "instance" }), {
      stack: "test",
      env: { [ENV.bucket]: "kept-bucket" },
      readOutput: read,
    });
    assert.equal(await store.bucketFor("acme", "gone"), "kept-bucket");
    assert.deepEqual(await store.locationsOf("acme", "gone"), [{ bucket: "kept-bucket", instance: "gone" }]);
    assert.deepEqual(await store.buckets(), ["kept-bucket"]);
    assert.equal(read.calls, 0);
  });
});

describe("fleet CLI: backups status and list with a bucket per instance, against an S3 server", function () {
  this.timeout(120_000);
  const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
  const TIME = { "acme/bot": "20261122T100000Z", "acme/bot2": "20261122T090000Z", "globex/ops": "20261118T100000Z" } as const;
  let s3: S3Server;
  let client: S3Client;
  let ctx: Context;
  const out: string[] = [];

  before(async () => {
    s3 = await startS3Server();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    for (const bucket of Object.values(PER_INSTANCE_OUTPUT)) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [id, time] of Object.entries(TIME)) {
      const [tenant, instance] = id.split("/");
      const bucket = PER_INSTANCE_OUTPUT[id];
      for (const key of snapshotKeys(`backups/${id}/`, "periodic", time)) {
        const marker = {
          format: "openclaw-backup/v1",
          tenant,
          instance,
          kind: "periodic",
          time,
          files: 3,
          bytes: 100,
          encrypted: false,
          manifestSha256: "0".repeat(64),
        };
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: key.endsWith("snapshot.json") ? JSON.stringify(marker) : "manifest" }),
        );
      }
    }
    // A snapshot of acme/bot2 in acme/bot's bucket: no instance reads another's bucket, so it is never seen.
    for (const key of snapshotKeys("backups/acme/bot2/", "periodic", "20261122T110000Z"))
      await client.send(new PutObjectCommand({ Bucket: PER_INSTANCE_OUTPUT["acme/bot"], Key: key, Body: "{}" }));
    const fleetModel = model({ bucketPer: "instance" });
    const opened = await openStore(fleetModel, { stack: "test", env: {}, readOutput: reader(PER_INSTANCE_OUTPUT) });
    const store: Store = { ...opened, client };
    ctx = {
      stack: { name: "test", file: "stacks/Pulumi.test.yaml", model: fleetModel },
      store: async () => store,
      kube: () => assert.fail("no cluster here"),
      clock: realClock,
      out: { out: (t) => void out.push(t), err: (t) => void out.push(t) },
      json: false,
      now: NOW,
    };
  });

  after(async () => {
    await s3?.close();
  });

  it("status reads each instance's newest snapshot from its own bucket", async () => {
    const statuses = new Map((await instanceStatuses(ctx)).map((s) => [s.instance, s]));
    assert.equal(statuses.size, 6);
    assert.equal(statuses.get("acme/bot")?.lastSnapshot?.snapshot, `backups/acme/bot/periodic/${TIME["acme/bot"]}`);
    assert.equal(
      statuses.get("acme/bot2")?.lastSnapshot?.snapshot,
      `backups/acme/bot2/periodic/${TIME["acme/bot2"]}`,
      "not the stray copy in acme/bot's bucket",
    );
    assert.equal(statuses.get("globex/ops")?.health, "stale");
    assert.equal(statuses.get("acme/bot")?.health, "healthy");
    assert.equal(statuses.get("initech/hr")?.lastSnapshot, undefined);
    assert.ok(out.includes("reading backups/acme/bot2/ in b-acme-bot2…"), out.join("\n"));
  });

  it("list finds every instance's snapshots in its bucket, or one instance's", async () => {
    const all = await listSnapshots(ctx, {});
    assert.deepEqual(
      all.map((s) => [s.tenant, s.instance, s.bucket]),
      [
        ["globex", "ops", "b-globex-ops"],
        ["acme", "bot2", "b-acme-bot2"],
        ["acme", "bot", "b-acme-bot"],
      ],
    );
    assert.deepEqual(
      (await listSnapshots(ctx, { tenant: "acme", instance: "bot2" })).map((s) => s.path),
      [`backups/acme/bot2/periodic/${TIME["acme/bot2"]}`],
    );
  });
});
