import { strict as assert } from "node:assert";
import { ConfigError } from "../../components/config/problems";
import { MOCK_AWS_ACCOUNT } from "../../scripts/lib/mock-runtime";
import { runProgram } from "../support/stacks";
import { awsFleet, bucketFacts, keyArnOfAlias, REGION, roleFacts } from "./support/fleet";
import { assertDecryptsOnlyThroughS3, evaluateIdentity, type Decision } from "./support/iam";

/** A clone (restore from another instance's backups) grants exactly read access to the source prefix. */
describe("restore from another instance (clone): read-only access to exactly the source", () => {
  async function decisions(options: Parameters<typeof awsFleet>[0], target: [string, string]) {
    const r = await runProgram(awsFleet(options));
    const bucket = bucketFacts(r);
    const role = roleFacts(r, ...target);
    const s3 = (action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> =>
      evaluateIdentity({
        principal: role.arn,
        action,
        resource,
        context: { "aws:SecureTransport": "true", ...context },
        identityPolicies: [role.policy],
        resourcePolicy: bucket.policy,
      });
    return {
      r,
      bucket,
      role,
      s3,
      object: (t: string, i: string) => `${bucket.arn}/backups/${t}/${i}/periodic/20261122T035012Z/snapshot.json`,
    };
  }

  it("within a tenant: the target may list and read the source, and may not write, delete or read anything else", async () => {
    const { s3, object, bucket, role } = await decisions({ instances: { "acme/bot2": { backup: { restoreFrom: { instance: "bot" } } } } }, [
      "acme",
      "bot2",
    ]);
    assert.equal(await s3("s3:GetObject", object("acme", "bot")), "Allowed");
    assert.equal(await s3("s3:ListBucket", bucket.arn, { "s3:prefix": "backups/acme/bot/" }), "Allowed");
    for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
      assert.equal(await s3(action, object("acme", "bot")), "ImplicitlyDenied", action);
    for (const [t, i] of [
      ["globex", "ops"],
      ["initech", "hr"],
    ] as const) {
      assert.equal(await s3("s3:GetObject", object(t, i)), "ImplicitlyDenied", `${t}/${i}`);
      assert.equal(await s3("s3:ListBucket", bucket.arn, { "s3:prefix": `backups/${t}/${i}/` }), "ImplicitlyDenied", `${t}/${i}`);
    }
    assert.equal(await s3("s3:PutObject", object("acme", "bot2")), "Allowed", "its own prefix stays writable");
    assert.deepEqual(
      role.policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey", "ListRestoreSource", "ReadRestoreSource", "DecryptRestoreSource"],
    );
    // The source instance gains nothing.
    const source = roleFacts(
      (await decisions({ instances: { "acme/bot2": { backup: { restoreFrom: { instance: "bot" } } } } }, ["acme", "bot"])).r,
      "acme",
      "bot",
    );
    assert.deepEqual(
      source.policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey"],
    );
  });

  it("without restoreFrom, or restoring its own backups, nothing extra is granted", async () => {
    const { role } = await decisions({ instances: { "acme/bot": { backup: { restoreFrom: "acme/bot/periodic/20261122T035012Z" } } } }, [
      "acme",
      "bot",
    ]);
    assert.deepEqual(
      role.policy.Statement.map((s) => s.Sid),
      ["ListOwnPrefix", "ReadWriteOwnObjects", "UseStoreKey"],
    );
  });

  it("across tenants with the platform's allowance (restoreFromTenants): read the other tenant's source and decrypt it with its key, through S3 only", async () => {
    const { r, s3, object, role, bucket } = await decisions(
      {
        store: { kmsKeyPer: "tenant" },
        platform: { tenants: { globex: { restoreFromTenants: ["acme"] } } },
        instances: { "globex/research": { backup: { restoreFrom: "acme/bot/latest" } } },
      },
      ["globex", "research"],
    );
    assert.equal(await s3("s3:GetObject", object("acme", "bot")), "Allowed");
    assert.equal(await s3("s3:PutObject", object("acme", "bot")), "ImplicitlyDenied");
    assert.equal(await s3("s3:GetObject", object("acme", "bot2")), "ImplicitlyDenied");
    const acmeKey = keyArnOfAlias(r, "alias/openclaw/openclaw-fleet/test/acme");
    assertDecryptsOnlyThroughS3(role, acmeKey, bucket.arn, REGION, MOCK_AWS_ACCOUNT);
  });

  it("across tenants without the platform's allowance: refused by config validation, naming the path and the fix", async () => {
    await assert.rejects(
      runProgram(awsFleet({ instances: { "globex/research": { backup: { restoreFrom: { tenant: "acme", instance: "bot" } } } } })),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /tenants\.globex\.instances\.research\.backup\.restoreFrom\.tenant: reads tenant "acme"'s backups/);
        assert.match(err.message, /add "acme" to platform\.tenants\.globex\.restoreFromTenants/);
        return true;
      },
    );
  });

  it("a tenant cannot allow itself: the old tenants.<tenant>.allowCrossTenantRestore is refused with the new key, and another source's allowance opens nothing", async () => {
    const restore = { instances: { "globex/research": { backup: { restoreFrom: "acme/bot/latest" } } } };
    await assert.rejects(runProgram(awsFleet({ ...restore, tenants: { globex: { allowCrossTenantRestore: true } } })), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(
        err.message,
        /tenants\.globex\.allowCrossTenantRestore: moved to the platform team's block.*platform\.tenants\.globex\.restoreFromTenants/,
      );
      return true;
    });
    await assert.rejects(
      runProgram(awsFleet({ ...restore, tenants: { globex: { restoreFromTenants: ["acme"] } } })),
      /tenants\.globex\.restoreFromTenants: unknown key/,
    );
    await assert.rejects(
      runProgram(awsFleet({ ...restore, platform: { tenants: { globex: { restoreFromTenants: ["initech"] } } } })),
      /tenants\.globex\.instances\.research\.backup\.restoreFrom: reads tenant "acme"'s backups/,
    );
  });

  it("across tenants with a bucket per tenant: refused, because a restore reads only its own tenant's bucket", async () => {
    await assert.rejects(
      runProgram(
        awsFleet({
          store: { bucketPer: "tenant" },
          platform: { tenants: { globex: { restoreFromTenants: ["acme"] } } },
          instances: { "globex/research": { backup: { restoreFrom: "acme/bot/latest" } } },
        }),
      ),
      /tenants\.globex\.instances\.research\.backup\.restoreFrom: reads tenant "acme"'s backups, which are in another bucket/,
    );
  });

  it("a plain folder that contains every tenant's backups is refused", async () => {
    await assert.rejects(
      runProgram(awsFleet({ instances: { "acme/bot": { backup: { restoreFrom: { plain: "backups" } } } } })),
      /contains every tenant's backups/,
    );
  });
});
