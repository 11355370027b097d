import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { S3 } from "../lib/conventions";
import { asList, asObject, asString, at } from "../lib/values";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];
const PUBLIC_ACCESS_SWITCHES = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * The bucket a `Bucket…Configuration` resource configures. It is joined by
 * dependency when the engine reports one, and otherwise by name: the
 * `bucket` property of the configuration holds the bucket's name (its id).
 */
function configures(config: PolicyResource, bucket: PolicyResource): boolean {
  if ((config.propertyDependencies?.bucket ?? []).some((dependency) => dependency.urn === bucket.urn)) return true;
  const target = asString(config.props.bucket);
  return target !== undefined && [asString(bucket.props.bucket), asString(bucket.props.id)].includes(target);
}

function problemsWithEncryption(configs: readonly PolicyResource[]): string | undefined {
  if (configs.length === 0) return "has no BucketServerSideEncryptionConfiguration: add one with sseAlgorithm aws:kms";
  const algorithms = configs.flatMap((c) =>
    asList(c.props.rules).map((rule) => asString(at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"))),
  );
  if (!algorithms.some((a) => a !== undefined && KMS_ALGORITHMS.includes(a))) {
    return `is not encrypted with SSE-KMS (sseAlgorithm is ${algorithms.map((a) => a ?? "unset").join(", ") || "unset"}): use aws:kms with the fleet's KMS key`;
  }
  return undefined;
}

function problemsWithVersioning(configs: readonly PolicyResource[]): string | undefined {
  if (configs.length === 0) return "has no BucketVersioning: add one with versioningConfiguration.status Enabled";
  const statuses = configs.map((c) => asString(at(c.props, "versioningConfiguration", "status")));
  return statuses.includes("Enabled") ? undefined : `has versioning ${statuses.map((s) => s ?? "unset").join(", ")}, not Enabled`;
}

function problemsWithPublicAccess(configs: readonly PolicyResource[]): string | undefined {
  if (configs.length === 0) return "has no BucketPublicAccessBlock: add one with all four switches true";
  const off = PUBLIC_ACCESS_SWITCHES.filter((flag) => !configs.some((c) => asObject(c.props)?.[flag] === true));
  return off.length === 0 ? undefined : `does not block public access: set ${off.join(", ")} to true`;
}

export const bucketsProtected: StackValidationPolicy = {
  name: "buckets-protected",
  description:
    "Every S3 bucket has SSE-KMS default encryption, versioning enabled and a public access block with all four switches on, each as its own aws v7 resource (BucketServerSideEncryptionConfiguration, BucketVersioning, BucketPublicAccessBlock).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Create the bucket through BackupStore (components/backup-store/), which adds all three.",
  validateStack: (args, reportViolation) => {
    const ofTypes = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
    const encryption = ofTypes(S3.encryption);
    const versioning = ofTypes(S3.versioning);
    const publicAccess = ofTypes(S3.publicAccessBlock);
    for (const bucket of ofTypes(S3.buckets)) {
      const mine = (configs: readonly PolicyResource[]) => configs.filter((c) => configures(c, bucket));
      const problems = [
        problemsWithEncryption(mine(encryption)),
        problemsWithVersioning(mine(versioning)),
        problemsWithPublicAccess(mine(publicAccess)),
      ];
      for (const problem of problems) if (problem !== undefined) reportViolation(`S3 bucket "${bucket.name}" ${problem}`, bucket.urn);
    }
  },
};
