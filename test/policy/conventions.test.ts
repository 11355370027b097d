import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { instanceLabels, TENANT_LABEL, type Component } from "../../components/config/labels";
import { BACKUP_COMPONENT, IAM, K8S, LABELS, S3 } from "../../policy/lib/conventions";

const tokenOf = (resourceClass: unknown): unknown => (resourceClass as { __pulumiType?: unknown }).__pulumiType;

describe("policy pack conventions match the program", () => {
  it("uses the labels the program puts on every instance object", () => {
    const labels = instanceLabels("acme", "bot", BACKUP_COMPONENT satisfies Component);
    assert.equal(labels[LABELS.tenant], "acme");
    assert.equal(LABELS.tenant, TENANT_LABEL);
    assert.equal(labels[LABELS.instance], "bot");
    assert.equal(labels[LABELS.component], "backup");
    assert.equal(labels[LABELS.name], "openclaw");
    assert.equal(labels[LABELS.partOf], "openclaw-fleet");
  });

  it("uses the type tokens of the installed providers", () => {
    assert.equal(K8S.statefulSet, tokenOf(k8s.apps.v1.StatefulSet));
    assert.equal(K8S.deployment, tokenOf(k8s.apps.v1.Deployment));
    assert.equal(K8S.cronJob, tokenOf(k8s.batch.v1.CronJob));
    assert.equal(K8S.job, tokenOf(k8s.batch.v1.Job));
    assert.equal(K8S.pod, tokenOf(k8s.core.v1.Pod));
    assert.equal(K8S.configMap, tokenOf(k8s.core.v1.ConfigMap));
    assert.equal(K8S.networkPolicy, tokenOf(k8s.networking.v1.NetworkPolicy));
    assert.equal(S3.buckets[0], tokenOf(aws.s3.Bucket));
    assert.equal(S3.encryption[0], tokenOf(aws.s3.BucketServerSideEncryptionConfiguration));
    assert.equal(S3.versioning[0], tokenOf(aws.s3.BucketVersioning));
    assert.equal(S3.publicAccessBlock[0], tokenOf(aws.s3.BucketPublicAccessBlock));
    assert.equal(IAM.role, tokenOf(aws.iam.Role));
    assert.equal(IAM.rolePolicy, tokenOf(aws.iam.RolePolicy));
    assert.equal(IAM.policy, tokenOf(aws.iam.Policy));
  });
});
