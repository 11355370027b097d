import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { program } from "../../components/program/program";
import { loadFleetConfig } from "../../components/validation/load";
import { MOCK_AWS_ACCOUNT, runWithMocks, unwrap, type Registration } from "../../scripts/lib/mock-runtime";
import { findObject, runProgram } from "../support/stacks";
import {
  awsFleet,
  bucketFacts,
  INSTANCES,
  inputsOf,
  keyArnOfAlias,
  ofType,
  REGION,
  roleFacts,
  type RoleFacts,
  configErrorMessage,
} from "./support/fleet";
import { assertDecryptsOnlyThroughS3, defaultKeyPolicy, evaluateCore, evaluateIdentity, type Decision } from "./support/iam";

const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";
const PER_INSTANCE = { bucketPer: "instance" };
const STORE_TYPES = /^aws:(s3|kms)\//;
const logical = (tenant: string, instance: string) => `fleet-backup-store-${tenant}/${instance}-bucket`;
const ids = INSTANCES.map(({ tenant, instance }) => `${tenant}/${instance}`);

function envOf(container: unknown): Record<string, string> {
  const env = (container as { env: { name: string; value?: string }[] }).env;
  return Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, String(e.value)]));
}

describe("backup.store.bucketPer: instance (aws): a bucket of its own for every backed-up instance", () => {
  describe("the store's registrations", () => {
    let r: Registration[];
    before(async () => {
      r = await runProgram(awsFleet({ store: PER_INSTANCE, instances: { "acme/bot": { backup: { retention: { maxAgeDays: 90 } } } } }));
    });

    it("creates one bucket per instance, named by tenant and instance, with the instance's tags and name prefix", () => {
      assert.deepEqual(
        ofType(r, BUCKET)
          .map((b) => b.name)
          .sort(),
        INSTANCES.map((i) => logical(i.tenant, i.instance)).sort(),
      );
      for (const { tenant, instance } of INSTANCES) {
        const bucket = inputsOf(r, BUCKET, logical(tenant, instance));
        assert.equal(bucket.bucketPrefix, `openclaw-fleet-test-${tenant}-${instance}-`);
        assert.equal(bucket.forceDestroy, false);
        assert.equal(bucket.objectLockEnabled, false);
        const tags = bucket.tags as Record<string, string>;
        assert.equal(tags["openclaw.io/tenant"], tenant);
        assert.equal(tags["openclaw.io/instance"], instance);
      }
    });

    it("gives each bucket every setting of a fleet bucket: versioning, public access block, ownership, SSE-KMS, TLS-only policy, lifecycle", () => {
      for (const { tenant, instance } of INSTANCES) {
        const name = logical(tenant, instance);
        assert.deepEqual(inputsOf(r, "aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`).versioningConfiguration, {
          status: "Enabled",
        });
        const pab = inputsOf(r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-public-access`);
        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
          assert.equal(pab[flag], true, `${name} ${flag}`);
        assert.deepEqual(inputsOf(r, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-ownership`).rule, {
          objectOwnership: "BucketOwnerEnforced",
        });
        const facts = bucketFacts(r, name);
        assert.deepEqual(
          facts.policy.Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Resource, s.Condition]),
          [["Deny", "*", "s3:*", [facts.arn, `${facts.arn}/*`], { Bool: { "aws:SecureTransport": "false" } }]],
        );
        const rules = inputsOf(r, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${name}-lifecycle`).rules as {
          id: string;
          expiration?: unknown;
          filter?: unknown;
        }[];
        assert.deepEqual(
          rules.map((x) => x.id),
          ["abort-incomplete-multipart-uploads", "expire-noncurrent-versions", "expire-backups-safety-net"],
        );
        // The safety net is the fleet's (longest retention 90 + 60 days), as with a bucket per tenant.
        assert.deepEqual(rules[2], {
          id: "expire-backups-safety-net",
          status: "Enabled",
          filter: { prefix: "backups/" },
          expiration: { days: 150 },
        });
      }
      assert.equal(
        new Set(INSTANCES.map((i) => bucketFacts(r, logical(i.tenant, i.instance)).name)).size,
        INSTANCES.length,
        "six different buckets",
      );
    });

    it("encrypts every bucket with the one fleet key by default (kmsKeyPer: fleet)", () => {
      assert.deepEqual(
        ofType(r, KEY).map((k) => k.name),
        ["fleet-backup-store-key"],
      );
      const fleetKey = keyArnOfAlias(r, "alias/openclaw/openclaw-fleet/test");
      for (const { tenant, instance } of INSTANCES) assert.equal(bucketFacts(r, logical(tenant, instance)).kmsKeyArn, fleetKey);
    });

    it("points each instance's backup pods at its own bucket", () => {
      for (const { tenant, instance } of INSTANCES) {
        const cron = findObject(r, "CronJob", `${instance}-backup`, `openclaw-${tenant}`) as unknown as {
          spec: { jobTemplate: { spec: { template: { spec: { containers: unknown[] } } } } };
        };
        const env = envOf(cron.spec.jobTemplate.spec.template.spec.containers[0]);
        assert.equal(env.OCB_BUCKET, bucketFacts(r, logical(tenant, instance)).name, `${tenant}/${instance}`);
        assert.equal(env.OCB_PREFIX, "backups/");
      }
    });

    it("keeps each bucket, its settings and its key when the instance leaves the config or the stack is destroyed, as a tenant's bucket is kept", () => {
      const store = r.filter((x) => STORE_TYPES.test(x.type));
      assert.equal(store.length, INSTANCES.length * 7 + 2, "7 bucket resources per instance, one key and its alias");
      for (const x of store) {
        assert.equal(x.retainOnDelete, true, `${x.type} ${x.name} would be deleted`);
        assert.equal(x.protect, false, `${x.type} ${x.name} is protected (that would stop pulumi destroy)`);
      }
      for (const { tenant, instance } of INSTANCES) {
        const bucket = r.find((x) => x.type === BUCKET && x.name === logical(tenant, instance));
        assert.deepEqual(bucket?.dependencies, [`${logical(tenant, instance)}-guard`], "a config change cannot replace it");
        const guard = r.find(
          (x) => x.type === "pulumi-nodejs:dynamic/backup:BucketGuard" && x.name === `${logical(tenant, instance)}-guard`,
        );
        assert.equal(guard?.inputs.bucketPrefix, `openclaw-fleet-test-${tenant}-${instance}-`);
      }
    });
  });

  it("with keepOnDestroy: false deletes them, but S3 still refuses to delete a bucket with backups in it (forceDestroy stays false)", async () => {
    const r = await runProgram(awsFleet({ store: { ...PER_INSTANCE, keepOnDestroy: false } }));
    assert.deepEqual(
      r.filter((x) => STORE_TYPES.test(x.type) && x.retainOnDelete).map((x) => x.name),
      [],
    );
    for (const b of ofType(r, BUCKET)) assert.equal(b.inputs.forceDestroy, false, b.name);
  });

  it("creates no bucket for an instance whose backups are off, and gives it no role", async () => {
    const r = await runProgram(awsFleet({ store: PER_INSTANCE, instances: { "acme/bot2": { backup: { enabled: false } } } }));
    assert.equal(ofType(r, BUCKET).length, INSTANCES.length - 1);
    assert.ok(!ofType(r, BUCKET).some((b) => b.name === logical("acme", "bot2")));
    assert.ok(!ofType(r, "aws:iam/role:Role").some((x) => x.name.startsWith("acme/bot2-")));
  });

  it("exports backupBuckets as <tenant>/<instance> -> bucket for the fleet CLI, and keeps the by-tenant shape otherwise", async () => {
    const perInstance = await runWithMocks(
      awsFleet({ store: PER_INSTANCE, instances: { "initech/hr": { backup: { enabled: false } } } }),
      program,
    );
    const buckets = (await unwrap(pulumi.output(perInstance.outputs.backupBuckets))) as Record<string, string>;
    assert.deepEqual(Object.keys(buckets).sort(), ids.filter((id) => id !== "initech/hr").sort());
    const registrations = [...perInstance.registrations];
    for (const id of Object.keys(buckets)) {
      const [tenant, instance] = id.split("/");
      assert.ok(tenant !== undefined && instance !== undefined, id);
      assert.equal(buckets[id], bucketFacts(registrations, logical(tenant, instance)).name);
    }
    const perTenant = await runWithMocks(awsFleet({ store: { bucketPer: "tenant" } }), program);
    assert.deepEqual(Object.keys((await unwrap(pulumi.output(perTenant.outputs.backupBuckets))) as Record<string, string>).sort(), [
      "acme",
      "globex",
      "initech",
    ]);
  });

  describe("with kmsKeyPer", () => {
    it("tenant: one key per tenant, shared by its instances' buckets", async () => {
      const r = await runProgram(awsFleet({ store: { ...PER_INSTANCE, kmsKeyPer: "tenant" } }));
      assert.deepEqual(
        ofType(r, KEY)
          .map((k) => k.name)
          .sort(),
        ["fleet-backup-store-acme-key", "fleet-backup-store-globex-key", "fleet-backup-store-initech-key"],
      );
      for (const { tenant, instance } of INSTANCES) {
        assert.equal(
          bucketFacts(r, logical(tenant, instance)).kmsKeyArn,
          keyArnOfAlias(r, `alias/openclaw/openclaw-fleet/test/${tenant}`),
          `${tenant}/${instance}`,
        );
      }
    });

    it("instance: a key of its own per instance (alias .../<tenant>/<instance>), the bucket's default, and the only key its role may use", async () => {
      const r = await runProgram(awsFleet({ store: { ...PER_INSTANCE, kmsKeyPer: "instance" } }));
      assert.deepEqual(
        ofType(r, KEY)
          .map((k) => k.name)
          .sort(),
        INSTANCES.map((i) => `fleet-backup-store-${i.tenant}/${i.instance}-key`).sort(),
      );
      for (const own of INSTANCES) {
        const key = inputsOf(r, KEY, `fleet-backup-store-${own.tenant}/${own.instance}-key`);
        assert.equal(key.description, `OpenClaw backups: instance ${own.tenant}/${own.instance} of openclaw-fleet/test`);
        assert.equal((key.tags as Record<string, string>)["openclaw.io/instance"], own.instance);
        const ownKey = keyArnOfAlias(r, `alias/openclaw/openclaw-fleet/test/${own.tenant}/${own.instance}`);
        const bucket = bucketFacts(r, logical(own.tenant, own.instance));
        assert.equal(bucket.kmsKeyArn, ownKey);
        const role = roleFacts(r, own.tenant, own.instance);
        const env = envOf(
          (
            findObject(r, "CronJob", `${own.instance}-backup`, `openclaw-${own.tenant}`) as unknown as {
              spec: { jobTemplate: { spec: { template: { spec: { containers: unknown[] } } } } };
            }
          ).spec.jobTemplate.spec.template.spec.containers[0],
        );
        assert.equal(env.RCLONE_CONFIG_STORE_SSE_KMS_KEY_ID, ownKey, "uploads name the instance's key");
        for (const other of INSTANCES) {
          const otherKey = keyArnOfAlias(r, `alias/openclaw/openclaw-fleet/test/${other.tenant}/${other.instance}`);
          const otherBucket = bucketFacts(r, logical(other.tenant, other.instance));
          const mine = other === own;
          const decision = evaluateCore({
            principal: role.arn,
            action: "kms:GenerateDataKey",
            resource: otherKey,
            context: { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": otherBucket.arn },
            identityPolicies: [role.policy],
            resourcePolicy: defaultKeyPolicy(MOCK_AWS_ACCOUNT),
          });
          assert.equal(
            decision,
            mine ? "Allowed" : "ImplicitlyDenied",
            `${own.tenant}/${own.instance} with the key of ${other.tenant}/${other.instance}`,
          );
        }
      }
    });

    it("instance without a bucket per instance: refused, naming the path and the fix", () => {
      for (const bucketPer of ["fleet", "tenant"]) {
        const message = configErrorMessage(awsFleet({ store: { bucketPer, kmsKeyPer: "instance" } }));
        assert.match(
          message,
          new RegExp(
            `openclaw-fleet:backup\\.store\\.kmsKeyPer: a key per instance needs a bucket per instance .*backup\\.store\\.bucketPer is ${bucketPer}: set backup\\.store\\.bucketPer: instance, or kmsKeyPer: tenant or fleet`,
          ),
        );
      }
    });
  });

  it("is refused for an s3Compatible store, whose one bucket the user names, with the path and the fix", () => {
    const s3 = {
      kind: "s3Compatible",
      endpoint: "https://x.example",
      bucket: "bkt-1",
      credentials: { accessKeyId: { secretRef: "a" }, secretAccessKey: { secretRef: "b" } },
    };
    const secrets = { a: "1", b: "2" };
    const message = configErrorMessage(awsFleet({ store: { ...s3, bucketPer: "instance" }, secrets }));
    assert.match(
      message,
      /openclaw-fleet:backup\.store\.bucketPer: an s3Compatible store writes every backup to the one existing bucket named in backup\.store\.bucket/,
    );
    assert.match(message, /remove bucketPer .*or use kind: aws, where this stack creates the buckets \(bucketPer: tenant or instance\)/);
    assert.doesNotMatch(message, /did you mean/);
    assert.match(
      configErrorMessage(awsFleet({ store: { ...s3, kmsKeyPer: "instance" }, secrets })),
      /openclaw-fleet:backup\.store\.kmsKeyPer: an s3Compatible store has no KMS keys: remove kmsKeyPer/,
    );
  });
});

describe("bucketPer: instance, evaluated: each role reaches its own bucket and no other (3 tenants x 2 instances, IRSA)", () => {
  let r: Registration[];
  const roles = new Map<string, RoleFacts>();
  const buckets = new Map<string, ReturnType<typeof bucketFacts>>();
  before(async () => {
    r = await runProgram(awsFleet({ store: PER_INSTANCE }));
    for (const { tenant, instance } of INSTANCES) {
      roles.set(`${tenant}/${instance}`, roleFacts(r, tenant, instance));
      buckets.set(`${tenant}/${instance}`, bucketFacts(r, logical(tenant, instance)));
    }
  });

  const s3 = (
    role: RoleFacts,
    bucket: ReturnType<typeof bucketFacts>,
    action: string,
    resource: string,
    context: Record<string, string> = {},
  ): Promise<Decision> =>
    evaluateIdentity({
      principal: role.arn,
      action,
      resource,
      context: { "aws:SecureTransport": "true", ...context },
      identityPolicies: [role.policy],
      resourcePolicy: bucket.policy,
    });

  it("names only its own bucket in its role policy", () => {
    for (const id of ids) {
      const own = buckets.get(id)!;
      const resources: string[] = roles
        .get(id)!
        .policy.Statement.flatMap((s): string[] =>
          s.Resource === undefined ? [] : Array.isArray(s.Resource) ? (s.Resource as string[]) : [s.Resource as string],
        );
      const s3Resources = resources.filter((x) => x.startsWith("arn:aws:s3:::"));
      assert.ok(s3Resources.length > 0);
      for (const resource of s3Resources)
        assert.ok(resource === own.arn || resource.startsWith(`${own.arn}/backups/${id}/`), `${id}: ${resource}`);
    }
  });

  for (const own of INSTANCES) {
    const id = `${own.tenant}/${own.instance}`;
    it(`${id} may read, write, delete and list its own bucket's prefix, and nothing in any other instance's bucket`, async () => {
      const role = roles.get(id)!;
      for (const target of INSTANCES) {
        const targetId = `${target.tenant}/${target.instance}`;
        const bucket = buckets.get(targetId)!;
        // The target's own prefix in its bucket, and this instance's prefix in the target's bucket: neither is reachable from another bucket.
        for (const path of new Set([targetId, id])) {
          const object = `${bucket.arn}/backups/${path}/periodic/20261122T035012Z/snapshot.json`;
          const mine = targetId === id && path === id;
          for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
            assert.equal(
              await s3(role, bucket, action, object),
              mine ? "Allowed" : "ImplicitlyDenied",
              `${action} ${targetId}'s bucket at ${path}`,
            );
          }
          assert.equal(
            await s3(role, bucket, "s3:ListBucket", bucket.arn, { "s3:prefix": `backups/${path}/` }),
            mine ? "Allowed" : "ImplicitlyDenied",
            `ListBucket ${targetId}'s bucket at ${path}`,
          );
        }
        assert.equal(
          await s3(role, bucket, "s3:ListBucket", bucket.arn, { "s3:prefix": "" }),
          "ImplicitlyDenied",
          `ListBucket the root of ${targetId}'s bucket`,
        );
        for (const action of ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration"])
          assert.equal(await s3(role, bucket, action, bucket.arn), "ImplicitlyDenied", `${action} on ${targetId}'s bucket`);
      }
      const mine = buckets.get(id)!;
      assert.equal(
        await s3(role, mine, "s3:GetObject", `${mine.arn}/backups/${id}/x`, { "aws:SecureTransport": "false" }),
        "ExplicitlyDenied",
        "its own bucket's policy refuses plain HTTP",
      );
    });
  }

  it("may use the shared fleet key only for its own bucket (the encryption context is the bucket)", () => {
    const fleetKey = keyArnOfAlias(r, "alias/openclaw/openclaw-fleet/test");
    for (const id of ids) {
      for (const target of ids) {
        const decision = evaluateCore({
          principal: roles.get(id)!.arn,
          action: "kms:Decrypt",
          resource: fleetKey,
          context: { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": buckets.get(target)!.arn },
          identityPolicies: [roles.get(id)!.policy],
          resourcePolicy: defaultKeyPolicy(MOCK_AWS_ACCOUNT),
        });
        assert.equal(decision, id === target ? "Allowed" : "ImplicitlyDenied", `${id} decrypting in ${target}'s bucket`);
      }
    }
  });
});

describe("bucketPer: instance and restores from another instance (clones)", () => {
  const restoreJobEnv = (r: Registration[], tenant: string) => {
    const job = ofType(r, "kubernetes:batch/v1:Job").filter(
      (j) => (j.inputs.metadata as { namespace?: string }).namespace === `openclaw-${tenant}`,
    );
    const [only] = job;
    assert.ok(only !== undefined && job.length === 1, "one restore Job");
    const manifest = findObject(r, "Job", (only.inputs.metadata as { name: string }).name, `openclaw-${tenant}`) as unknown as {
      spec: { template: { spec: { containers: unknown[] } } };
    };
    return envOf(manifest.spec.template.spec.containers[0]);
  };

  it("within a tenant: the restore Job reads the source's bucket; the role may read exactly the source's prefix there, and write only its own bucket", async () => {
    const r = await runProgram(
      awsFleet({ store: PER_INSTANCE, instances: { "acme/bot2": { backup: { restoreFrom: { instance: "bot" } } } } }),
    );
    const source = bucketFacts(r, logical("acme", "bot"));
    const own = bucketFacts(r, logical("acme", "bot2"));
    const env = restoreJobEnv(r, "acme");
    assert.equal(env.OCB_BUCKET, source.name, "the engine reads the source from OCB_BUCKET");
    assert.equal(env.OCB_RESTORE_FROM, "acme/bot/latest");
    const cron = findObject(r, "CronJob", "bot2-backup", "openclaw-acme") as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { containers: unknown[] } } } } };
    };
    assert.equal(envOf(cron.spec.jobTemplate.spec.template.spec.containers[0]).OCB_BUCKET, own.name, "backups still go to its own bucket");

    const role = roleFacts(r, "acme", "bot2");
    assert.deepEqual(
      role.policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey", "ListRestoreSource", "ReadRestoreSource", "DecryptRestoreSource"],
    );
    const s3 = (bucket: typeof source, action: string, resource: string, context: Record<string, string> = {}) =>
      evaluateIdentity({
        principal: role.arn,
        action,
        resource,
        context: { "aws:SecureTransport": "true", ...context },
        identityPolicies: [role.policy],
        resourcePolicy: bucket.policy,
      });
    const snapshot = (bucket: typeof source, path: string) => `${bucket.arn}/backups/${path}/periodic/20261122T035012Z/snapshot.json`;
    assert.equal(await s3(source, "s3:GetObject", snapshot(source, "acme/bot")), "Allowed");
    assert.equal(await s3(source, "s3:ListBucket", source.arn, { "s3:prefix": "backups/acme/bot/" }), "Allowed");
    for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
      assert.equal(await s3(source, action, snapshot(source, "acme/bot")), "ImplicitlyDenied", action);
    assert.equal(await s3(source, "s3:GetObject", `${source.arn}/other/x`), "ImplicitlyDenied", "nothing outside the source's prefix");
    assert.equal(await s3(source, "s3:ListBucket", source.arn, { "s3:prefix": "" }), "ImplicitlyDenied");
    assert.equal(await s3(own, "s3:PutObject", snapshot(own, "acme/bot2")), "Allowed");
    for (const other of ["globex/ops", "initech/hr"]) {
      const bucket = bucketFacts(r, logical(...(other.split("/") as [string, string])));
      assert.equal(await s3(bucket, "s3:GetObject", snapshot(bucket, other)), "ImplicitlyDenied", other);
    }
    // The source gains nothing, and other instances' restore-less Jobs are untouched.
    assert.deepEqual(
      roleFacts(r, "acme", "bot").policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey"],
    );
  });

  it("across tenants with the platform's allowance and keys per instance: reads the source's bucket and decrypts with the source's key only through S3", async () => {
    const r = await runProgram(
      awsFleet({
        store: { ...PER_INSTANCE, kmsKeyPer: "instance" },
        platform: { tenants: { globex: { restoreFromTenants: ["acme"] } } },
        instances: { "globex/research": { backup: { restoreFrom: "acme/bot/latest" } } },
      }),
    );
    const source = bucketFacts(r, logical("acme", "bot"));
    assert.equal(restoreJobEnv(r, "globex").OCB_BUCKET, source.name);
    const role = roleFacts(r, "globex", "research");
    const sourceKey = keyArnOfAlias(r, "alias/openclaw/openclaw-fleet/test/acme/bot");
    assertDecryptsOnlyThroughS3(role, sourceKey, source.arn, REGION, MOCK_AWS_ACCOUNT);
    const read = await evaluateIdentity({
      principal: role.arn,
      action: "s3:GetObject",
      resource: `${source.arn}/backups/acme/bot/periodic/20261122T035012Z/snapshot.json`,
      context: { "aws:SecureTransport": "true" },
      identityPolicies: [role.policy],
      resourcePolicy: source.policy,
    });
    assert.equal(read, "Allowed");
  });

  it("across tenants without the platform's allowance: still refused by the cross-tenant rule", async () => {
    await assert.rejects(
      runProgram(
        awsFleet({
          store: PER_INSTANCE,
          instances: { "globex/research": { backup: { restoreFrom: { tenant: "acme", instance: "bot" } } } },
        }),
      ),
      /tenants\.globex\.instances\.research\.backup\.restoreFrom\.tenant: reads tenant "acme"'s backups/,
    );
  });

  it("from an instance this stack has no bucket for (not configured, or backups off): refused at preview with the path and the fix", () => {
    const gone = configErrorMessage(
      awsFleet({ store: PER_INSTANCE, instances: { "acme/bot2": { backup: { restoreFrom: "acme/old/latest" } } } }),
    );
    assert.match(
      gone,
      /openclaw-fleet:tenants\.acme\.instances\.bot2\.backup\.restoreFrom: reads "acme\/old"'s snapshots, which are in that instance's own bucket \(backup\.store\.bucketPer: instance\), but that instance is not in this stack: .*Restore from such an instance, or use bucketPer: tenant or fleet/,
    );
    const off = configErrorMessage(
      awsFleet({
        store: PER_INSTANCE,
        instances: { "acme/bot": { backup: { enabled: false } }, "acme/bot2": { backup: { restoreFrom: { instance: "bot" } } } },
      }),
    );
    assert.match(
      off,
      /tenants\.acme\.instances\.bot2\.backup\.restoreFrom: reads "acme\/bot"'s snapshots, .*but that instance's backups are off \(tenants\.acme\.instances\.bot\.backup\.enabled: false\), so it has no bucket/,
    );
    // The same source with a bucket per tenant is fine: it is in the tenant's bucket.
    loadFleetConfig(
      awsFleet({ store: { bucketPer: "tenant" }, instances: { "acme/bot2": { backup: { restoreFrom: "acme/old/latest" } } } }),
    );
  });

  it("restoring its own snapshots, or a plain folder, reads its own bucket and needs no other", async () => {
    const r = await runProgram(
      awsFleet({
        store: PER_INSTANCE,
        instances: {
          "acme/bot": { backup: { restoreFrom: "acme/bot/periodic/20261122T035012Z" } },
          "globex/ops": { backup: { restoreFrom: { plain: "migration/globex/ops" } } },
        },
      }),
    );
    assert.equal(restoreJobEnv(r, "acme").OCB_BUCKET, bucketFacts(r, logical("acme", "bot")).name);
    assert.deepEqual(
      roleFacts(r, "acme", "bot").policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey"],
    );
    const ops = bucketFacts(r, logical("globex", "ops"));
    assert.equal(restoreJobEnv(r, "globex").OCB_BUCKET, ops.name);
    const read = roleFacts(r, "globex", "ops").policy.Statement.find((s) => s.Sid === "ReadRestoreSource");
    assert.equal(read?.Resource, `${ops.arn}/migration/globex/ops/*`);
  });
});
