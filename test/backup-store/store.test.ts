import { strict as assert } from "node:assert";
import { runProgram } from "../support/stacks";
import { awsFleet, inputsOf, ofType } from "./support/fleet";

const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

describe("BackupStore on AWS: registered inputs", () => {
  it("creates one private, versioned, SSE-KMS bucket with a rotated customer-managed key per fleet by default", async () => {
    const r = await runProgram(awsFleet());
    assert.equal(ofType(r, BUCKET).length, 1);
    assert.equal(ofType(r, "aws:kms/key:Key").length, 1);
    const bucket = inputsOf(r, BUCKET, "fleet-backup-store-bucket");
    assert.equal(bucket.forceDestroy, false);
    assert.equal(bucket.objectLockEnabled, false);
    assert.match(String(bucket.bucketPrefix), /^[a-z0-9-]{3,37}$/);
    assert.equal(bucket.acl, undefined, "no ACLs: ownership is BucketOwnerEnforced");

    const key = inputsOf(r, "aws:kms/key:Key", "fleet-backup-store-key");
    assert.equal(key.enableKeyRotation, true);
    assert.equal(key.deletionWindowInDays, 30);
    assert.equal(key.keyUsage, "ENCRYPT_DECRYPT");

    const sse = inputsOf(
      r,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "fleet-backup-store-bucket-encryption",
    );
    assert.deepEqual(sse.rules, [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: (sse.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[])[0]
            ?.applyServerSideEncryptionByDefault.kmsMasterKeyId,
        },
        bucketKeyEnabled: true,
      },
    ]);
    assert.match(
      (sse.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[])[0]?.applyServerSideEncryptionByDefault
        .kmsMasterKeyId ?? "",
      /^arn:aws:kms:eu-west-1:\d{12}:key\//,
    );

    assert.deepEqual(
      inputsOf(r, "aws:s3/bucketVersioning:BucketVersioning", "fleet-backup-store-bucket-versioning").versioningConfiguration,
      { status: "Enabled" },
    );
    const pab = inputsOf(r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "fleet-backup-store-bucket-public-access");
    for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
      assert.equal(pab[flag], true, flag);
    assert.deepEqual(inputsOf(r, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "fleet-backup-store-bucket-ownership").rule, {
      objectOwnership: "BucketOwnerEnforced",
    });

    const policy = JSON.parse(String(inputsOf(r, "aws:s3/bucketPolicy:BucketPolicy", "fleet-backup-store-bucket-policy").policy)) as {
      Statement: { Effect: string; Principal: string; Action: string; Condition: unknown }[];
    };
    assert.deepEqual(
      policy.Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Condition]),
      [["Deny", "*", "s3:*", { Bool: { "aws:SecureTransport": "false" } }]],
    );
    assert.equal(ofType(r, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").length, 0);
  });

  it("sets the lifecycle: abort multipart uploads, expire noncurrent versions, and a safety net past the longest retention", async () => {
    const r = await runProgram(
      awsFleet({
        instances: {
          "acme/bot": { backup: { retention: { maxAgeDays: 90 } } },
          "globex/ops": { backup: { retention: { maxAgeDays: 45 } } },
        },
      }),
    );
    const rules = inputsOf(r, LIFECYCLE, "fleet-backup-store-bucket-lifecycle").rules as Record<string, unknown>[];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    assert.deepEqual(byId.get("abort-incomplete-multipart-uploads"), {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    });
    assert.deepEqual(byId.get("expire-noncurrent-versions"), {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      expiration: { expiredObjectDeleteMarker: true },
    });
    // 90 days (the longest retention) + the 60-day default margin.
    assert.deepEqual(byId.get("expire-backups-safety-net"), {
      id: "expire-backups-safety-net",
      status: "Enabled",
      filter: { prefix: "backups/" },
      expiration: { days: 150 },
    });
  });

  it("takes lifecycle days, prefix, Object Lock, forceDestroy and tags from config", async () => {
    const r = await runProgram(
      awsFleet({
        store: {
          lifecycle: { abortIncompleteMultipartUploadDays: 2, noncurrentVersionExpirationDays: 14, expireBackupsAfterDays: 400 },
          objectLock: { mode: "COMPLIANCE", days: 10 },
          forceDestroy: true,
          tags: { "cost-center": "ai" },
          kmsDeletionWindowDays: 7,
        },
      }),
    );
    const bucket = inputsOf(r, BUCKET, "fleet-backup-store-bucket");
    assert.equal(bucket.forceDestroy, true);
    assert.equal(bucket.objectLockEnabled, true);
    assert.equal((bucket.tags as Record<string, string>)["cost-center"], "ai");
    const lock = inputsOf(r, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "fleet-backup-store-bucket-object-lock");
    assert.deepEqual(lock.rule, { defaultRetention: { mode: "COMPLIANCE", days: 10 } });
    const rules = inputsOf(r, LIFECYCLE, "fleet-backup-store-bucket-lifecycle").rules as {
      id: string;
      abortIncompleteMultipartUpload?: unknown;
      noncurrentVersionExpiration?: unknown;
      expiration?: unknown;
    }[];
    assert.deepEqual(
      rules.map((x) => x.abortIncompleteMultipartUpload ?? x.noncurrentVersionExpiration ?? x.expiration),
      [{ daysAfterInitiation: 2 }, { noncurrentDays: 14 }, { days: 400 }],
    );
    assert.equal(inputsOf(r, "aws:kms/key:Key", "fleet-backup-store-key").deletionWindowInDays, 7);
  });

  it("refuses a safety net that could expire pool objects a live snapshot references, naming the setting and the fix", async () => {
    // The longest retention in awsFleet is the default 30 days; snapshots reference pool objects up to 30 days older than themselves.
    await assert.rejects(
      runProgram(awsFleet({ store: { lifecycle: { expireBackupsAfterDays: 60 } } })),
      /backup\.store\.lifecycle\.expireBackupsAfterDays: .*set it to at least 61/,
    );
    await assert.rejects(
      runProgram(awsFleet({ store: { lifecycle: { marginDays: 10 } } })),
      /backup\.store\.lifecycle\.marginDays: .*set it to at least 31/,
    );
    const ok = await runProgram(awsFleet({ store: { lifecycle: { expireBackupsAfterDays: 61 } } }));
    const rules = inputsOf(ok, LIFECYCLE, "fleet-backup-store-bucket-lifecycle").rules as { id: string; expiration?: unknown }[];
    assert.deepEqual(rules.find((x) => x.id === "expire-backups-safety-net")?.expiration, { days: 61 });
  });

  it("creates a bucket and a key per tenant when configured, and each role uses its tenant's", async () => {
    const r = await runProgram(awsFleet({ store: { bucketPer: "tenant", kmsKeyPer: "tenant" } }));
    assert.deepEqual(
      ofType(r, BUCKET)
        .map((b) => b.name)
        .sort(),
      ["fleet-backup-store-acme-bucket", "fleet-backup-store-globex-bucket", "fleet-backup-store-initech-bucket"],
    );
    assert.deepEqual(
      ofType(r, "aws:kms/key:Key")
        .map((k) => k.name)
        .sort(),
      ["fleet-backup-store-acme-key", "fleet-backup-store-globex-key", "fleet-backup-store-initech-key"],
    );
    for (const tenant of ["acme", "globex", "initech"]) {
      assert.equal(
        (inputsOf(r, BUCKET, `fleet-backup-store-${tenant}-bucket`).tags as Record<string, string>)["openclaw.io/tenant"],
        tenant,
      );
      const bucketName = String(inputsOf(r, "aws:s3/bucketPolicy:BucketPolicy", `fleet-backup-store-${tenant}-bucket-policy`).bucket);
      const keyArn = (
        inputsOf(
          r,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          `fleet-backup-store-${tenant}-bucket-encryption`,
        ).rules as [{ applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }]
      )[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
      const policy = String(ofType(r, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith(`${tenant}/`))?.inputs.policy);
      assert.ok(policy.includes(`arn:aws:s3:::${bucketName}/backups/${tenant}/`), `${tenant}'s role writes to its own bucket`);
      assert.ok(policy.includes(keyArn), `${tenant}'s role uses its own key`);
    }
  });

  it("with a shared bucket and per-tenant keys, encrypts the bucket by default with a fleet key and gives each role only its tenant's key", async () => {
    const r = await runProgram(awsFleet({ store: { kmsKeyPer: "tenant" } }));
    assert.equal(ofType(r, BUCKET).length, 1);
    assert.equal(ofType(r, "aws:kms/key:Key").length, 4);
    const keyOf = (name: string) => {
      const alias = ofType(r, "aws:kms/alias:Alias").find((a) => a.name === `${name}-alias`);
      return String(alias?.inputs.targetKeyId);
    };
    const acme = String(inputsOf(r, "aws:iam/rolePolicy:RolePolicy", "acme/bot-backup-identity-policy").policy);
    assert.ok(acme.includes(keyOf("fleet-backup-store-acme-key")));
    assert.ok(!acme.includes(keyOf("fleet-backup-store-globex-key")));
    assert.ok(!acme.includes(keyOf("fleet-backup-store-key")), "the fleet key is only the bucket default");
  });

  it("creates no AWS resources and no AWS provider for an S3-compatible store with static keys", async () => {
    const r = await runProgram(
      awsFleet({
        store: {
          kind: "s3Compatible",
          endpoint: "https://abc.r2.cloudflarestorage.com",
          bucket: "fleet-backups",
          provider: "Cloudflare",
          credentials: { accessKeyId: { secretRef: "ak" }, secretAccessKey: { secretRef: "sk" } },
        },
        secrets: { ak: "AKIAEXAMPLE", sk: "secret-example" },
      }),
    );
    assert.deepEqual(
      r.filter((x) => x.type.startsWith("aws:") || x.type === "pulumi:providers:aws").map((x) => x.type),
      [],
    );
  });

  it("configures the AWS provider from config (region, default tags), not from the environment", async () => {
    const r = await runProgram(awsFleet());
    const provider = inputsOf(r, "pulumi:providers:aws", "fleet-aws");
    assert.equal(provider.region, "eu-west-1");
    assert.deepEqual(JSON.parse(String(provider.defaultTags)), { tags: { environment: "test" } });
  });
});
