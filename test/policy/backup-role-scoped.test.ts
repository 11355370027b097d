import { strict as assert } from "node:assert";
import { backupRolesScoped, backupScopeProblems } from "../../policy/rules/backup-role-scope";
import { devRegistrations } from "./fixtures";
import { evaluate, registration } from "./harness";

const BUCKET = "arn:aws:s3:::fleet-backups";
const own = (extra: object[] = []) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "List",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: BUCKET,
      Condition: { StringLike: { "s3:prefix": ["backups/acme/bot/", "backups/acme/bot/*"] } },
    },
    {
      Sid: "Objects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: `${BUCKET}/backups/acme/bot/*`,
    },
    { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "arn:aws:kms:eu-west-1:111122223333:key/k" },
    { Sid: "DenyAll", Effect: "Deny", Action: "s3:*", Resource: "*" },
    ...extra,
  ],
});

describe("policy backup-role-scoped", () => {
  it("accepts a role scoped to its instance, and the roles the program builds", async () => {
    assert.deepEqual(backupScopeProblems(JSON.stringify(own())), []);
    const policies = (await devRegistrations()).filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    assert.ok(policies.length >= 3, "the dev stack should have a backup role policy per instance");
    assert.deepEqual(await evaluate(backupRolesScoped, policies), []);
  });

  it("allows read-only access to a clone source's prefix next to its own", () => {
    const clone = { Sid: "CloneSource", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${BUCKET}/backups/globex/ops/*` };
    assert.deepEqual(backupScopeProblems(own([clone])), []);
  });

  const cases: [string, object, RegExp][] = [
    ["Resource *", { Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, /resource "\*" is wider than one instance's prefix/],
    ["the whole prefix", { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET}/backups/*` }, /wider than one instance's prefix/],
    [
      "a whole tenant",
      { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET}/backups/acme/*` },
      /wider than one instance's prefix/,
    ],
    [
      "a wildcard instance",
      { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET}/backups/acme/*/x` },
      /wider than one instance's prefix/,
    ],
    [
      "a wildcard bucket",
      { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::*/backups/acme/bot/*" },
      /wider than one instance's prefix/,
    ],
    ["s3:*", { Effect: "Allow", Action: "s3:*", Resource: `${BUCKET}/backups/acme/bot/*` }, /action "s3:\*" is a wildcard/],
    ["every action", { Effect: "Allow", Action: "*", Resource: `${BUCKET}/backups/acme/bot/*` }, /action "\*" is a wildcard/],
    [
      "ListBucket without a prefix condition",
      { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET },
      /needs an s3:prefix condition/,
    ],
    [
      "ListBucket on the whole prefix",
      { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringLike: { "s3:prefix": "backups/*" } } },
      /s3:prefix "backups\/\*" is wider/,
    ],
    ["DeleteBucket", { Effect: "Allow", Action: "s3:DeleteBucket", Resource: BUCKET }, /acts on the whole bucket/],
    ["NotAction", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, /NotAction grants every other action/],
    [
      "NotResource",
      { Effect: "Allow", Action: "s3:GetObject", NotResource: `${BUCKET}/other/*` },
      /NotResource grants every other resource/,
    ],
    [
      "writes to a second instance",
      { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET}/backups/acme/other/*` },
      /can write to 2 instances' prefixes \(acme\/bot, acme\/other\)/,
    ],
  ];
  for (const [what, statement, expected] of cases) {
    it(`rejects ${what}`, () => {
      const problems = backupScopeProblems(own([statement]));
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected} in:\n${problems.join("\n")}`,
      );
    });
  }

  it("uses the configured prefix", () => {
    const document = JSON.stringify(own()).replace(/(["/])backups\//g, "$1fleet/snapshots/");
    assert.deepEqual(backupScopeProblems(document, { prefix: "fleet/snapshots/" }), []);
    assert.ok(backupScopeProblems(document).length > 0, "the default prefix backups/ must not accept fleet/snapshots/");
  });

  it("checks standalone policies and inline role policies, and names the resource", async () => {
    const wide = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/*` }],
    });
    const violations = await evaluate(backupRolesScoped, [
      registration("aws:iam/policy:Policy", "managed", { policy: wide }),
      registration("aws:iam/role:Role", "inline", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "p", policy: wide }] }),
      registration("aws:iam/rolePolicy:RolePolicy", "unrelated", {
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" }] }),
      }),
    ]);
    assert.deepEqual(
      violations.map((v) => v.message.split(":")[0]),
      ['Policy "managed"', 'Role "inline"'],
    );
  });
});
