import { strict as assert } from "node:assert";
import { MOCK_AWS_ACCOUNT, SecretValue, type Registration } from "../../scripts/lib/mock-runtime";
import { assertValidObject } from "../support/k8s-schema";
import { findObject, kubernetesObjects, runProgram } from "../support/stacks";
import { awsFleet, CLUSTER, CLUSTER_ARN, INSTANCES, REGION, inputsOf, ISSUER, ofType, roleFacts } from "./support/fleet";
import { evaluateTrust } from "./support/iam";

const POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation";

function validateBackupObjects(registrations: readonly Registration[]): void {
  const objects = kubernetesObjects(registrations).filter((o) => ["ServiceAccount", "Secret"].includes(o.kind));
  assert.ok(objects.length > 0);
  for (const object of objects) assertValidObject(object);
}

describe("backup identity modes", () => {
  describe("podIdentity", () => {
    let r: Registration[];
    before(async () => {
      r = await runProgram(awsFleet({ identity: { mode: "podIdentity" }, eks: { clusterName: CLUSTER, clusterArn: CLUSTER_ARN } }));
    });

    it("associates each backup ServiceAccount with its own role, and annotates nothing", () => {
      assert.equal(ofType(r, POD_IDENTITY).length, INSTANCES.length);
      for (const { tenant, instance } of INSTANCES) {
        const association = inputsOf(r, POD_IDENTITY, `${tenant}/${instance}-backup-identity-pod-identity`);
        assert.equal(association.clusterName, CLUSTER);
        assert.equal(association.namespace, `openclaw-${tenant}`);
        assert.equal(association.serviceAccount, `${instance}-backup`);
        assert.equal(association.roleArn, roleFacts(r, tenant, instance).arn);
        const sa = findObject(r, "ServiceAccount", `${instance}-backup`, `openclaw-${tenant}`);
        assert.equal(sa.metadata.annotations, undefined);
      }
      validateBackupObjects(r);
    });

    it("trusts only pods.eks.amazonaws.com, for its own ServiceAccount, namespace and cluster (AssumeRole and TagSession)", () => {
      for (const own of INSTANCES) {
        const role = roleFacts(r, own.tenant, own.instance);
        const assume = (
          action: "sts:AssumeRole" | "sts:TagSession",
          namespace: string,
          serviceAccount: string,
          cluster = CLUSTER,
          principal = "pods.eks.amazonaws.com",
          clusterArn = CLUSTER_ARN,
          account = MOCK_AWS_ACCOUNT,
        ) =>
          evaluateTrust({
            principal,
            action,
            roleArn: role.arn,
            context: {
              "aws:SourceAccount": account,
              "aws:RequestTag/eks-cluster-arn": clusterArn,
              "aws:RequestTag/eks-cluster-name": cluster,
              "aws:RequestTag/kubernetes-namespace": namespace,
              "aws:RequestTag/kubernetes-service-account": serviceAccount,
              "aws:TagKeys": ["eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account"],
            },
            trustPolicy: role.trust,
          });
        for (const action of ["sts:AssumeRole", "sts:TagSession"] as const) {
          for (const target of INSTANCES) {
            const mine = target.tenant === own.tenant && target.instance === own.instance;
            assert.equal(
              assume(action, `openclaw-${target.tenant}`, `${target.instance}-backup`),
              mine ? "Allowed" : "ImplicitlyDenied",
              `${action} by ${target.tenant}/${target.instance}`,
            );
            assert.equal(
              assume(action, `openclaw-${target.tenant}`, target.instance),
              "ImplicitlyDenied",
              `${action} by the app SA of ${target.tenant}/${target.instance}`,
            );
          }
          assert.equal(
            assume(action, `openclaw-${own.tenant}`, `${own.instance}-backup`, "other-cluster"),
            "ImplicitlyDenied",
            "another cluster",
          );
          assert.equal(
            assume(action, `openclaw-${own.tenant}`, `${own.instance}-backup`, CLUSTER, "ec2.amazonaws.com"),
            "ImplicitlyDenied",
            "another service",
          );
          // A cluster of the same name elsewhere: another account, or another region of this one.
          const otherAccount = CLUSTER_ARN.replace(MOCK_AWS_ACCOUNT, "210987654321");
          assert.equal(
            assume(action, `openclaw-${own.tenant}`, `${own.instance}-backup`, CLUSTER, undefined, otherAccount, "210987654321"),
            "ImplicitlyDenied",
            "same cluster name, another account",
          );
          assert.equal(
            assume(
              action,
              `openclaw-${own.tenant}`,
              `${own.instance}-backup`,
              CLUSTER,
              undefined,
              CLUSTER_ARN.replace(REGION, "us-east-2"),
            ),
            "ImplicitlyDenied",
            "same cluster name, another region",
          );
          assert.equal(
            assume(action, `openclaw-${own.tenant}`, `${own.instance}-backup`, CLUSTER, undefined, CLUSTER_ARN, "210987654321"),
            "ImplicitlyDenied",
            "a request from another account",
          );
        }
      }
    });
  });

  describe("podIdentity with the cluster ARN looked up by name", () => {
    it("reads the ARN from EKS and trusts that cluster", async () => {
      const calls: string[] = [];
      const r = await runProgram(awsFleet({ identity: { mode: "podIdentity" }, eks: { clusterName: CLUSTER } }), {
        invokes: {
          "aws:eks/getCluster:getCluster": (args) => {
            calls.push(`getCluster ${String(args.name)}`);
            return { name: CLUSTER, arn: CLUSTER_ARN, identities: [] };
          },
        },
      });
      assert.ok(calls.length > 0 && calls.every((c) => c === `getCluster ${CLUSTER}`), calls.join(", "));
      const trust = roleFacts(r, "acme", "bot").trust;
      const condition = trust.Statement[0]?.Condition?.StringEquals ?? {};
      assert.equal(condition["aws:RequestTag/eks-cluster-arn"], CLUSTER_ARN);
      assert.equal(condition["aws:SourceAccount"], MOCK_AWS_ACCOUNT);
    });
  });

  describe("irsa with the OIDC issuer looked up by cluster name", () => {
    it("reads the issuer from EKS and the account from STS, and trusts that provider", async () => {
      const calls: string[] = [];
      const r = await runProgram(awsFleet({ eks: { clusterName: CLUSTER } }), {
        invokes: {
          "aws:eks/getCluster:getCluster": (args) => {
            calls.push(`getCluster ${String(args.name)}`);
            return { name: CLUSTER, identities: [{ oidcs: [{ issuer: `https://${ISSUER}` }] }] };
          },
          "aws:index/getCallerIdentity:getCallerIdentity": () => {
            calls.push("getCallerIdentity");
            // The account the roles are created in, as in a real deployment.
            return {
              accountId: MOCK_AWS_ACCOUNT,
              arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:user/ci`,
              userId: "AIDAEXAMPLE",
              id: MOCK_AWS_ACCOUNT,
            };
          },
        },
      });
      assert.deepEqual(calls.sort(), ["getCallerIdentity", `getCluster ${CLUSTER}`]);
      const role = roleFacts(r, "acme", "bot");
      const provider = `arn:aws:iam::${MOCK_AWS_ACCOUNT}:oidc-provider/${ISSUER}`;
      const sub = { [`${ISSUER}:sub`]: "system:serviceaccount:openclaw-acme:bot-backup", [`${ISSUER}:aud`]: "sts.amazonaws.com" };
      assert.equal(
        evaluateTrust({
          principal: provider,
          action: "sts:AssumeRoleWithWebIdentity",
          roleArn: role.arn,
          context: sub,
          trustPolicy: role.trust,
        }),
        "Allowed",
      );
      assert.equal(
        evaluateTrust({
          principal: provider.replace(MOCK_AWS_ACCOUNT, "210987654321"),
          action: "sts:AssumeRoleWithWebIdentity",
          roleArn: role.arn,
          context: sub,
          trustPolicy: role.trust,
        }),
        "ImplicitlyDenied",
        "the same issuer registered in another account",
      );
    });

    it("needs no cloud call when the provider ARN and issuer are configured (render and preview work offline)", async () => {
      // runProgram fails on any invoke without a handler.
      await runProgram(awsFleet());
    });
  });

  describe("staticKeys", () => {
    const secrets = {
      "fleet-ak": "AKIAFLEETEXAMPLE",
      "fleet-sk": "fleet-secret-example",
      "acme-ak": "AKIAACMEEXAMPLE",
      "acme-sk": "acme-secret-example",
    };
    const creds = (prefix: string) => ({ accessKeyId: { secretRef: `${prefix}-ak` }, secretAccessKey: { secretRef: `${prefix}-sk` } });
    let r: Registration[];
    before(async () => {
      r = await runProgram(
        awsFleet({
          store: {
            kind: "s3Compatible",
            endpoint: "http://minio.minio.svc:9000",
            bucket: "openclaw-backups",
            provider: "Minio",
            region: "us-east-1",
            credentials: creds("fleet"),
          },
          tenants: { acme: { backup: { credentials: creds("acme") } } },
          secrets,
        }),
      );
    });

    it("puts each tenant's keys (its own, else the fleet's) into a Secret per instance, as Pulumi secrets", () => {
      for (const { tenant, instance } of INSTANCES) {
        const registration = r.find(
          (x) => x.type === "kubernetes:core/v1:Secret" && x.name === `${tenant}/${instance}-backup-identity-secret`,
        );
        assert.ok(registration, `Secret of ${tenant}/${instance}`);
        const stringData = registration.inputs.stringData;
        assert.ok(stringData instanceof SecretValue, "stringData is a Pulumi secret in state");
        const keys = tenant === "acme" ? ["acme-ak", "acme-sk"] : ["fleet-ak", "fleet-sk"];
        assert.deepEqual(stringData.value, {
          accessKeyId: secrets[keys[0] as keyof typeof secrets],
          secretAccessKey: secrets[keys[1] as keyof typeof secrets],
        });
        const secret = findObject(r, "Secret", `${instance}-backup`, `openclaw-${tenant}`);
        assert.equal((secret.metadata.labels as Record<string, string>)["app.kubernetes.io/component"], "backup");
      }
      validateBackupObjects(r);
    });

    it("never writes a key anywhere else: not in ConfigMaps, env values, args or other resources", () => {
      const plain = JSON.stringify(
        r.map((x) => ({ ...x, inputs: x.type === "kubernetes:core/v1:Secret" ? {} : x.inputs })),
        (_k, v: unknown) => (v instanceof SecretValue ? "[secret]" : v),
      );
      for (const value of Object.values(secrets)) assert.ok(!plain.includes(value), `${value} leaked outside a Secret`);
    });

    it("creates no IAM and no Pod Identity association", () => {
      assert.equal(r.filter((x) => x.type.startsWith("aws:")).length, 0);
    });
  });
});
