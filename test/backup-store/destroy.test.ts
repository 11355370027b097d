import { strict as assert } from "node:assert";
import { runInNewContext } from "node:vm";
import { bucketGuardFailures, type BucketIdentity } from "../../components/backup-store/bucket-guard";
import type { Registration } from "../../scripts/lib/mock-runtime";
import { runProgram } from "../support/stacks";
import { awsFleet } from "./support/fleet";

const STORE_TYPES = /^aws:(s3|kms)\//;

function storeResources(registrations: readonly Registration[]): Registration[] {
  return registrations.filter((r) => STORE_TYPES.test(r.type));
}

/**
 * `pulumi destroy --run-program` of an AWS stack must finish, and keep the
 * backups readable: the bucket, every setting that protects it, and its KMS
 * key stay (retainOnDelete), unless the config asks for them to go.
 */
describe("BackupStore on AWS: what pulumi destroy does", () => {
  it("keeps the bucket, its settings and its KMS keys by default, and protects nothing (protect would stop destroy)", async () => {
    const store = storeResources(await runProgram(awsFleet()));
    assert.ok(store.length >= 9, `only ${store.length} store resources`);
    for (const r of store) {
      assert.equal(r.retainOnDelete, true, `${r.type} ${r.name} would be deleted by destroy`);
      assert.equal(r.protect, false, `${r.type} ${r.name} is protected`);
    }
  });

  it("deletes them with keepOnDestroy: false", async () => {
    const store = storeResources(await runProgram(awsFleet({ store: { keepOnDestroy: false } })));
    assert.deepEqual(
      store.filter((r) => r.retainOnDelete).map((r) => r.name),
      [],
    );
  });

  it("makes the bucket wait for its guard, which remembers what forces a replacement", async () => {
    const registrations = await runProgram(awsFleet());
    const bucket = registrations.find((r) => r.type === "aws:s3/bucket:Bucket");
    assert.ok(
      bucket?.dependencies?.includes("fleet-backup-store-bucket-guard"),
      `bucket dependencies: ${bucket?.dependencies?.join(", ")}`,
    );
    const guard = registrations.find((r) => r.type === "pulumi-nodejs:dynamic/backup:BucketGuard");
    assert.equal(guard?.inputs.region, "eu-west-1");
    assert.equal(guard?.inputs.objectLock, false);
  });
});

describe("BucketGuard: a config change never replaces the backup bucket", () => {
  const created: BucketIdentity = {
    configPath: "backup.store",
    bucketPrefix: "openclaw-prod-backups-",
    region: "eu-west-1",
    objectLock: false,
  };

  it("accepts the first creation and unchanged settings", () => {
    assert.deepEqual(bucketGuardFailures(undefined, created), []);
    assert.deepEqual(bucketGuardFailures({ ...created }, created), []);
  });

  it("fails a region, name or Object Lock change with the config path, both values and the fix", () => {
    const failures = bucketGuardFailures(created, { ...created, region: "us-east-1", objectLock: true });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["region", "objectLock"],
    );
    assert.match(
      failures[0]?.reason ?? "",
      /^backup\.store: the backup bucket was created with region "eu-west-1", not "us-east-1"\. AWS cannot change it/,
    );
    assert.match(failures[1]?.reason ?? "", /Object Lock false, not true/);
    assert.match(failures[0]?.reason ?? "", /Revert the change/);
  });

  it("runs on its own as the engine's dynamic provider host loads it", async () => {
    const guard = (await runProgram(awsFleet())).find((r) => r.type === "pulumi-nodejs:dynamic/backup:BucketGuard");
    type Check = {
      check(olds: unknown, news: unknown): Promise<{ failures: { reason: string }[] }>;
      create(inputs: unknown): Promise<{ id: string }>;
    };
    const module = { exports: {} as { handler?: () => Check } };
    runInNewContext(String(guard?.inputs.__provider), { exports: module.exports, module, require });
    const provider = module.exports.handler?.();
    assert.ok(provider, "serialized provider has no handler");
    const news = { ...guard?.inputs, __provider: undefined } as unknown as BucketIdentity;
    assert.equal((await provider.check({ ...news }, news)).failures.length, 0);
    assert.match(
      (await provider.check({ ...news }, { ...news, region: "us-west-2" })).failures[0]?.reason ?? "",
      /created with region "eu-west-1", not "us-west-2"/,
    );
    assert.equal((await provider.create(news)).id, news.bucketPrefix);
  });
});
