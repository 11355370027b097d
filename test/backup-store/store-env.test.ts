import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { loadFleetConfig } from "../../components/validation/load";
import type { FleetModel, InstanceModel } from "../../components/config/model";
import { backupStoreEnv, restoreSourceAccess } from "../../components/builders/backup/store-env";
import type { BackupStoreRef } from "../../components/backup-store/backup-store";
import { awsFleet } from "./support/fleet";

function instanceOf(fleet: FleetModel, tenant: string, name: string): InstanceModel {
  const found = fleet.tenants.find((t) => t.name === tenant)?.instances.find((i) => i.name === name);
  if (found === undefined) throw new Error(`no ${tenant}/${name}`);
  return found;
}

function ref(overrides: Partial<BackupStoreRef> = {}): BackupStoreRef {
  const base: BackupStoreRef = {
    kind: "aws",
    bucket: pulumi.output("bkt"),
    bucketArn: pulumi.output("arn:aws:s3:::bkt"),
    prefix: "backups/",
    region: "eu-west-1",
    provider: "AWS",
    kmsKeyArn: pulumi.output("arn:aws:kms:eu-west-1:123456789012:key/k"),
    forInstance: () => base,
    ...overrides,
  };
  return base;
}

const byName = (env: ReturnType<typeof backupStoreEnv>) => new Map(env.map((e) => [e.name, e]));

describe("backupStoreEnv (pure): rclone's env config for the remote `store`", () => {
  it("on AWS with IRSA: env auth, SSE-KMS with the store's key, no endpoint, no credentials", () => {
    const fleet = loadFleetConfig(awsFleet());
    const env = byName(backupStoreEnv({ fleet, instance: instanceOf(fleet, "acme", "bot"), store: ref() }));
    assert.equal(env.get("RCLONE_CONFIG_STORE_TYPE")?.value, "s3");
    assert.equal(env.get("RCLONE_CONFIG_STORE_PROVIDER")?.value, "AWS");
    assert.equal(env.get("RCLONE_CONFIG_STORE_REGION")?.value, "eu-west-1");
    assert.equal(env.get("RCLONE_CONFIG_STORE_ENV_AUTH")?.value, "true");
    assert.equal(env.get("RCLONE_CONFIG_STORE_SERVER_SIDE_ENCRYPTION")?.value, "aws:kms");
    assert.ok(env.has("RCLONE_CONFIG_STORE_SSE_KMS_KEY_ID"));
    assert.equal(env.get("RCLONE_CONFIG_STORE_NO_CHECK_BUCKET")?.value, "true");
    assert.equal(env.has("RCLONE_CONFIG_STORE_ENDPOINT"), false);
    assert.equal(env.has("RCLONE_CONFIG_STORE_ACCESS_KEY_ID"), false);
    assert.equal(env.get("OCB_PREFIX")?.value, "backups/");
    assert.equal(env.get("OCB_TENANT")?.value, "acme");
    assert.equal(env.get("OCB_INSTANCE")?.value, "bot");
    assert.ok(env.has("OCB_BUCKET"));
  });

  it("with static keys: the endpoint, and the keys only as secretKeyRef to the instance's own Secret", () => {
    const fleet = loadFleetConfig(
      awsFleet({
        store: {
          kind: "s3Compatible",
          endpoint: "https://acct.r2.cloudflarestorage.com",
          bucket: "fleet-backups",
          provider: "Cloudflare",
          credentials: { accessKeyId: { secretRef: "ak" }, secretAccessKey: { secretRef: "sk" } },
        },
        secrets: { ak: "AKIAEXAMPLE", sk: "secret-example" },
      }),
    );
    const store = ref({
      kind: "s3Compatible",
      provider: "Cloudflare",
      endpoint: "https://acct.r2.cloudflarestorage.com",
      region: "auto",
      kmsKeyArn: undefined,
    });
    const list = backupStoreEnv({ fleet, instance: instanceOf(fleet, "globex", "ops"), store });
    const env = byName(list);
    assert.equal(env.get("RCLONE_CONFIG_STORE_PROVIDER")?.value, "Cloudflare");
    assert.equal(env.get("RCLONE_CONFIG_STORE_ENDPOINT")?.value, "https://acct.r2.cloudflarestorage.com");
    assert.equal(env.get("RCLONE_CONFIG_STORE_ENV_AUTH")?.value, "false");
    assert.deepEqual(env.get("RCLONE_CONFIG_STORE_ACCESS_KEY_ID"), {
      name: "RCLONE_CONFIG_STORE_ACCESS_KEY_ID",
      valueFrom: { secretKeyRef: { name: "ops-backup", key: "accessKeyId" } },
    });
    assert.deepEqual(env.get("RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY"), {
      name: "RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY",
      valueFrom: { secretKeyRef: { name: "ops-backup", key: "secretAccessKey" } },
    });
    assert.equal(env.has("RCLONE_CONFIG_STORE_SERVER_SIDE_ENCRYPTION"), false);
    assert.ok(!JSON.stringify(list).includes("AKIAEXAMPLE") && !JSON.stringify(list).includes("secret-example"));
  });

  it("restoreSourceAccess: the source prefix and store, only for another instance, and only as the platform team allows", () => {
    const fleet = loadFleetConfig(
      awsFleet({
        platform: { tenants: { globex: { restoreFromTenants: ["acme"] } } },
        instances: {
          "acme/bot2": { backup: { restoreFrom: { instance: "bot" } } },
          "globex/ops": { backup: { restoreFrom: "acme/bot/latest" } },
        },
      }),
    );
    const store = ref();
    assert.equal(restoreSourceAccess({ fleet, instance: instanceOf(fleet, "acme", "bot"), store }), undefined);
    assert.deepEqual(restoreSourceAccess({ fleet, instance: instanceOf(fleet, "acme", "bot2"), store }), {
      tenant: "acme",
      store,
      keyPrefix: "backups/acme/bot/",
    });
    assert.equal(restoreSourceAccess({ fleet, instance: instanceOf(fleet, "globex", "ops"), store })?.keyPrefix, "backups/acme/bot/");
    // Defense in depth: a model that bypassed validation still cannot cross tenants without the platform's allowance for that source.
    const globex = fleet.platform.tenants.globex;
    assert.ok(globex, "the platform allows globex a restore source");
    for (const restoreFromTenants of [[], ["initech"]]) {
      const unvalidated: FleetModel = { ...fleet, platform: { tenants: { globex: { ...globex, restoreFromTenants } } } };
      assert.throws(
        () => restoreSourceAccess({ fleet: unvalidated, instance: instanceOf(fleet, "globex", "ops"), store }),
        /backup\.restoreFrom reads tenant "acme"'s backups, but platform\.tenants\.globex\.restoreFromTenants does not list "acme"/,
      );
    }
  });
});
