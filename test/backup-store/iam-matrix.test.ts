import { strict as assert } from "node:assert";
import { MOCK_AWS_ACCOUNT, type Registration } from "../../scripts/lib/mock-runtime";
import { findObject, runProgram } from "../support/stacks";
import { bucketFacts, INSTANCES, ISSUER, OIDC_PROVIDER_ARN, REGION, roleFacts, awsFleet, type RoleFacts } from "./support/fleet";
import { defaultKeyPolicy, evaluateCore, evaluateIdentity, evaluateTrust, type Decision } from "./support/iam";

/**
 * The least-privilege matrix, evaluated by a real IAM evaluator on the
 * policies the program registers: every backup role against every instance's
 * prefix, the bucket root and the bucket's own configuration, and every
 * trust policy against every ServiceAccount.
 */
describe("backup identities: least privilege, evaluated (3 tenants x 2 instances, IRSA)", () => {
  let registrations: Registration[];
  let bucket: ReturnType<typeof bucketFacts>;
  const roles = new Map<string, RoleFacts>();
  const key = (tenant: string, instance: string) => `${tenant}/${instance}`;

  before(async () => {
    registrations = await runProgram(awsFleet());
    bucket = bucketFacts(registrations);
    for (const { tenant, instance } of INSTANCES) roles.set(key(tenant, instance), roleFacts(registrations, tenant, instance));
  });

  const tls = { "aws:SecureTransport": "true" };
  const s3 = (role: RoleFacts, action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<Decision> =>
    evaluateIdentity({
      principal: role.arn,
      action,
      resource,
      context: { ...tls, ...context },
      identityPolicies: [role.policy],
      resourcePolicy: bucket.policy,
    });
  const object = (tenant: string, instance: string, rest = "periodic/20261122T035012Z/state/openclaw.json") =>
    `${bucket.arn}/backups/${tenant}/${instance}/${rest}`;

  for (const own of INSTANCES) {
    describe(`${own.tenant}/${own.instance}`, () => {
      const role = () => roles.get(key(own.tenant, own.instance))!;

      for (const target of INSTANCES) {
        const mine = target.tenant === own.tenant && target.instance === own.instance;
        const expected: Decision = mine ? "Allowed" : "ImplicitlyDenied";
        it(`${mine ? "may" : "may not"} get, put, delete and list ${target.tenant}/${target.instance}`, async () => {
          for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
            assert.equal(
              await s3(role(), action, object(target.tenant, target.instance)),
              expected,
              `${action} on ${target.tenant}/${target.instance}`,
            );
          }
          for (const prefix of [`backups/${target.tenant}/${target.instance}/`, `backups/${target.tenant}/${target.instance}/periodic/`]) {
            assert.equal(await s3(role(), "s3:ListBucket", bucket.arn, { "s3:prefix": prefix }), expected, `ListBucket ${prefix}`);
          }
        });
      }

      it("may not touch the bucket root, its tenant's folder or a name-prefix sibling", async () => {
        for (const prefix of ["", "backups/", `backups/${own.tenant}/`, `backups/${own.tenant}/${own.instance}`]) {
          assert.equal(
            await s3(role(), "s3:ListBucket", bucket.arn, { "s3:prefix": prefix }),
            "ImplicitlyDenied",
            `ListBucket prefix "${prefix}"`,
          );
        }
        assert.equal(await s3(role(), "s3:ListBucket", bucket.arn), "ImplicitlyDenied", "ListBucket without a prefix");
        for (const resource of [
          `${bucket.arn}/openclaw.json`,
          `${bucket.arn}/backups/${own.tenant}/x`,
          `${bucket.arn}/backups/${own.tenant}/${own.instance}2/x`,
        ]) {
          assert.equal(await s3(role(), "s3:GetObject", resource), "ImplicitlyDenied", `GetObject ${resource}`);
          assert.equal(await s3(role(), "s3:PutObject", resource), "ImplicitlyDenied", `PutObject ${resource}`);
        }
      });

      it("may not change or delete the bucket, its policy or lifecycle, or destroy versions", async () => {
        for (const action of [
          "s3:DeleteBucket",
          "s3:PutBucketPolicy",
          "s3:PutLifecycleConfiguration",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutBucketObjectLockConfiguration",
        ]) {
          assert.equal(await s3(role(), action, bucket.arn), "ImplicitlyDenied", action);
        }
        for (const action of ["s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:BypassGovernanceRetention", "s3:PutObjectAcl"]) {
          assert.equal(await s3(role(), action, object(own.tenant, own.instance)), "ImplicitlyDenied", action);
        }
      });

      it("is refused without TLS even on its own prefix (bucket policy)", async () => {
        assert.equal(
          await s3(role(), "s3:GetObject", object(own.tenant, own.instance), { "aws:SecureTransport": "false" }),
          "ExplicitlyDenied",
        );
      });

      it("may use the store key only through S3, for this bucket, and may not manage it", async () => {
        // The core engine: the validated entry point ignores `kms:EncryptionContext:<key>` keys.
        const kms = async (action: string, context: Record<string, string>) =>
          evaluateCore({
            principal: role().arn,
            action,
            resource: bucket.kmsKeyArn,
            context,
            identityPolicies: [role().policy],
            resourcePolicy: defaultKeyPolicy(MOCK_AWS_ACCOUNT),
          });
        const viaS3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": bucket.arn };
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"]) {
          assert.equal(await kms(action, viaS3), "Allowed", `${action} via S3`);
          assert.equal(
            await kms(action, { "kms:EncryptionContext:aws:s3:arn": bucket.arn }),
            "ImplicitlyDenied",
            `${action} called directly`,
          );
          assert.equal(
            await kms(action, { ...viaS3, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::someone-elses-bucket" }),
            "ImplicitlyDenied",
            `${action} for another bucket`,
          );
        }
        for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateGrant", "kms:ReEncryptFrom"]) {
          assert.equal(await kms(action, viaS3), "ImplicitlyDenied", action);
        }
      });

      it("trusts only its own backup ServiceAccount, in its own namespace, through the cluster's OIDC provider, for STS", () => {
        const assume = (sub: string, aud = "sts.amazonaws.com", provider = OIDC_PROVIDER_ARN) =>
          evaluateTrust({
            principal: provider,
            action: "sts:AssumeRoleWithWebIdentity",
            roleArn: role().arn,
            context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: aud },
            trustPolicy: role().trust,
          });
        for (const target of INSTANCES) {
          const mine = target.tenant === own.tenant && target.instance === own.instance;
          assert.equal(
            assume(`system:serviceaccount:openclaw-${target.tenant}:${target.instance}-backup`),
            mine ? "Allowed" : "ImplicitlyDenied",
            `backup SA of ${target.tenant}/${target.instance}`,
          );
          // The app's own ServiceAccount never gets store access.
          assert.equal(
            assume(`system:serviceaccount:openclaw-${target.tenant}:${target.instance}`),
            "ImplicitlyDenied",
            `app SA of ${target.tenant}/${target.instance}`,
          );
        }
        const sa = `system:serviceaccount:openclaw-${own.tenant}:${own.instance}-backup`;
        assert.equal(assume(sa, "https://kubernetes.default.svc"), "ImplicitlyDenied", "a token for another audience");
        assert.equal(
          assume(`system:serviceaccount:openclaw-other:${own.instance}-backup`),
          "ImplicitlyDenied",
          "same name, other namespace",
        );
        assert.equal(
          assume(sa, "sts.amazonaws.com", OIDC_PROVIDER_ARN.replace("EXAMPLE", "ATTACKER")),
          "ImplicitlyDenied",
          "another OIDC provider",
        );
        assert.equal(
          evaluateTrust({
            principal: "pods.eks.amazonaws.com",
            action: "sts:AssumeRole",
            roleArn: role().arn,
            context: {},
            trustPolicy: role().trust,
          }),
          "ImplicitlyDenied",
          "Pod Identity, which this role does not trust",
        );
      });

      it("is the role its backup ServiceAccount is annotated with; the app's ServiceAccount has none", () => {
        const sa = findObject(registrations, "ServiceAccount", `${own.instance}-backup`, `openclaw-${own.tenant}`);
        const annotations = (sa.metadata.annotations ?? {}) as Record<string, string>;
        assert.equal(annotations["eks.amazonaws.com/role-arn"], role().arn);
        const app = findObject(registrations, "ServiceAccount", own.instance, `openclaw-${own.tenant}`);
        assert.equal(JSON.stringify(app).includes("eks.amazonaws.com"), false);
      });
    });
  }

  it("registers exactly one role and one policy per instance, and no other IAM", () => {
    assert.equal(registrations.filter((r) => r.type === "aws:iam/role:Role").length, INSTANCES.length);
    assert.equal(registrations.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").length, INSTANCES.length);
    const iam = registrations.filter((r) => r.type.startsWith("aws:iam/")).map((r) => r.type);
    assert.deepEqual([...new Set(iam)].sort(), ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]);
  });
});
