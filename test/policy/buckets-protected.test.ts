import { strict as assert } from "node:assert";
import type { PolicyResource } from "@pulumi/policy";
import { bucketsProtected } from "../../policy/rules/bucket-protection";
import { changed, devRegistrations, first, swapped } from "./fixtures";
import { evaluate, registration, stackArgs } from "./harness";

const ENC = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

describe("policy buckets-protected", () => {
  it("rejects SSE-S3 (AES256) instead of SSE-KMS", async () => {
    const base = await devRegistrations();
    const enc = first(base, ENC);
    const violations = await evaluate(
      bucketsProtected,
      swapped(base, enc, changed(enc, [["rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"], "AES256"])),
    );
    assert.deepEqual(
      violations.map((v) => v.message),
      [
        'S3 bucket "fleet-backup-store-bucket" is not encrypted with SSE-KMS (sseAlgorithm is AES256): use aws:kms with the fleet\'s KMS key',
      ],
    );
  });

  it("rejects a public access block with one switch off, naming it", async () => {
    const base = await devRegistrations();
    const pab = first(base, PAB);
    const violations = await evaluate(bucketsProtected, swapped(base, pab, changed(pab, [["restrictPublicBuckets"], false])));
    assert.match(violations[0]?.message ?? "", /does not block public access: set restrictPublicBuckets to true/);
  });

  it("joins settings to their own bucket: a second, bare bucket fails while the first passes", async () => {
    const base = await devRegistrations();
    const bare = registration("aws:s3/bucket:Bucket", "scratch", { bucket: "scratch-bucket" });
    const violations = await evaluate(bucketsProtected, [...base, bare]);
    assert.equal(violations.length, 3);
    assert.ok(
      violations.every((v) => v.message.startsWith('S3 bucket "scratch"')),
      JSON.stringify(violations),
    );
  });

  it("joins by the engine's property dependencies when the name is not known", async () => {
    const args = stackArgs(bucketsProtected, [
      registration("aws:s3/bucket:Bucket", "b", {}),
      registration(ENC, "e", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
      registration("aws:s3/bucketVersioning:BucketVersioning", "v", { versioningConfiguration: { status: "Enabled" } }),
      registration(PAB, "p", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    ]);
    const [bucket, ...configs] = args.resources;
    assert.ok(bucket, "the bucket is a resource");
    for (const config of configs)
      (config as { propertyDependencies: Record<string, PolicyResource[]> }).propertyDependencies = { bucket: [bucket] };
    const violations: string[] = [];
    await bucketsProtected.validateStack(args, (message) => violations.push(message));
    assert.deepEqual(violations, []);
  });
});
