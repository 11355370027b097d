import { strict as assert } from "node:assert";
import { loadFleetConfig } from "../../components/validation/load";
import { awsFleet, CLUSTER, configErrorMessage } from "./support/fleet";

describe("backup store and identity config validation", () => {
  it("accepts the fixture fleet", () => {
    loadFleetConfig(awsFleet());
  });

  it("refuses IRSA without the cluster, or with only half of the OIDC settings", () => {
    const raw = awsFleet();
    const values = { ...raw.values, cluster: { kubernetes: { renderYamlToDirectory: "out" } } };
    assert.match(configErrorMessage({ ...raw, values }), /openclaw-fleet:cluster\.eks: identity mode irsa needs the EKS cluster/);
    assert.match(
      configErrorMessage(awsFleet({ eks: { clusterName: CLUSTER, oidcIssuer: "oidc.example/id/X" } })),
      /cluster\.eks\.oidcProviderArn: set both/,
    );
  });

  it("refuses Pod Identity without a cluster, and cloud identities for an S3-compatible store", () => {
    const raw = awsFleet({ identity: { mode: "podIdentity" } });
    assert.match(
      configErrorMessage({ ...raw, values: { ...raw.values, cluster: { kubernetes: { renderYamlToDirectory: "out" } } } }),
      /cluster\.eks\.clusterName: identity mode podIdentity needs/,
    );
    assert.match(
      configErrorMessage(
        awsFleet({ store: { kind: "s3Compatible", endpoint: "https://x.example", bucket: "bkt-1" }, identity: { mode: "irsa" } }),
      ),
      /backup\.identity\.mode: irsa needs an AWS store/,
    );
  });

  it("refuses static keys missing for a tenant, and keys that the identity mode would ignore", () => {
    const s3 = { kind: "s3Compatible", endpoint: "https://x.example", bucket: "bkt-1" };
    const message = configErrorMessage(
      awsFleet({
        store: s3,
        tenants: { acme: { backup: { credentials: { accessKeyId: { secretRef: "a" }, secretAccessKey: { secretRef: "b" } } } } },
        secrets: { a: "1", b: "2" },
      }),
    );
    assert.match(message, /tenants\.globex\.backup\.credentials: identity mode staticKeys needs store keys/);
    assert.match(message, /tenants\.initech\.backup\.credentials/);
    assert.doesNotMatch(message, /tenants\.acme\.backup\.credentials/);
    assert.match(
      configErrorMessage(
        awsFleet({
          tenants: { acme: { backup: { credentials: { accessKeyId: { secretRef: "a" }, secretAccessKey: { secretRef: "b" } } } } },
          secrets: { a: "1", b: "2" },
        }),
      ),
      /tenants\.acme\.backup\.credentials: static keys are not used with identity mode irsa/,
    );
  });

  it("refuses an aws store without aws.region, and bad store settings with their full paths", () => {
    const raw = awsFleet();
    const { aws: _aws, ...values } = raw.values;
    assert.match(configErrorMessage({ ...raw, values }), /openclaw-fleet:aws\.region: is required for an aws backup store/);
    const message = configErrorMessage(
      awsFleet({ store: { bucketPer: "namespace", objectLock: { mode: "LEGAL", days: 0 }, kmsDeletionWindowDays: 3 } }),
    );
    assert.match(message, /backup\.store\.bucketPer/);
    assert.match(message, /backup\.store\.objectLock\.mode/);
    assert.match(message, /backup\.store\.objectLock\.days/);
    assert.match(message, /backup\.store\.kmsDeletionWindowDays/);
  });
});
