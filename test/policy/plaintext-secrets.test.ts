import { strict as assert } from "node:assert";
import { credentialShape, isSecretLookingName } from "../../policy/lib/secrets";
import { configMapSecretProblems, noPlaintextSecrets } from "../../policy/rules/plaintext-secrets";
import { evaluate, registration } from "./harness";

const pod = (container: Record<string, unknown>) =>
  registration("kubernetes:apps/v1:Deployment", "d", {
    kind: "Deployment",
    metadata: { name: "d", namespace: "t" },
    spec: { template: { spec: { containers: [{ name: "app", image: "x:1", ...container }] } } },
  });

describe("policy no-plaintext-secrets", () => {
  it("tells secret-looking names from references to secrets", () => {
    for (const name of [
      "API_TOKEN",
      "dbPassword",
      "OPENAI_API_KEY",
      "key",
      "RCLONE_CRYPT_PASSWORD",
      "aws_secret_access_key",
      "SIGNING_KEY",
      "clientSecret",
      "passphrase",
    ]) {
      assert.ok(isSecretLookingName(name), `${name} should look secret`);
    }
    for (const name of [
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "KMS_KEY_ID",
      "S3_KEY_PREFIX",
      "maxTokens",
      "OPENCLAW_STATE_DIR",
      "monkey",
      "TOKEN_SECRET_NAME",
      "gatewayTokenSecretRef",
    ]) {
      assert.ok(!isSecretLookingName(name), `${name} should not look secret`);
    }
  });

  it("recognises credential-shaped values whatever their name", () => {
    assert.equal(credentialShape(`AKIA${"Z".repeat(16)}`), "an AWS access key id");
    assert.equal(credentialShape("-----BEGIN OPENSSH PRIVATE KEY-----\nabc"), "a private key");
    assert.equal(credentialShape(`sk-ant-${"x".repeat(40)}`), "an API key (sk-…)");
    assert.equal(credentialShape("postgres://app:hunter2@db:5432/app"), "a URL with a password");
    assert.equal(credentialShape("https://example.com/a:b"), undefined);
    assert.equal(credentialShape("2026.9.6"), undefined);
  });

  it("walks JSON documents in ConfigMaps and allows env references there", () => {
    const problems = configMapSecretProblems({
      "openclaw.json": JSON.stringify({
        gateway: { auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" } },
        channels: { slack: { botToken: "literal-token" } },
        models: [{ apiKey: 12345 }],
      }),
    });
    assert.deepEqual(problems, [
      'data["openclaw.json"].channels.slack.botToken has a secret-looking name and a literal value',
      'data["openclaw.json"].models[0].apiKey has a secret-looking name and a literal value',
    ]);
  });

  it("does not read shell scripts line by line, but still catches credential shapes in them", () => {
    assert.deepEqual(configMapSecretProblems({ "backup.sh": 'RCLONE_CRYPT_PASSWORD="$(cat /secrets/passphrase)"\n' }), []);
    assert.equal(configMapSecretProblems({ "backup.sh": `export AWS_ACCESS_KEY_ID=AKIA${"Q".repeat(16)}\n` }).length, 1);
  });

  it("flags literal env values and command lines, and allows valueFrom and file paths", async () => {
    assert.deepEqual(
      await evaluate(noPlaintextSecrets, [
        pod({
          env: [
            { name: "GATEWAY_TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
            { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" },
            { name: "PASSWORD_FROM_ENV", value: "$(OTHER)" },
          ],
        }),
      ]),
      [],
    );
    const violations = await evaluate(noPlaintextSecrets, [
      pod({ env: [{ name: "DB_PASSWORD", value: "hunter2" }], args: ["--token", `ghp_${"a".repeat(36)}`] }),
    ]);
    assert.deepEqual(
      violations.map((v) => v.message),
      [
        'Deployment t/d: container "app": env DB_PASSWORD has a secret-looking name and a literal value; take it from a Secret with valueFrom.secretKeyRef',
        'Deployment t/d: container "app": args[1] holds what looks like a GitHub token; command lines are visible to anyone who can list pods',
      ],
    );
  });

  it("checks ConfigMaps but never Secrets", async () => {
    const data = { password: "hunter2" };
    assert.equal(
      (
        await evaluate(noPlaintextSecrets, [
          registration("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", metadata: { name: "c" }, data }),
        ])
      ).length,
      1,
    );
    assert.deepEqual(
      await evaluate(noPlaintextSecrets, [
        registration("kubernetes:core/v1:Secret", "s", { kind: "Secret", metadata: { name: "s" }, stringData: data }),
      ]),
      [],
    );
  });
});
