/**
 * Object keys and ARNs of the backup layout `<prefix><tenant>/<instance>/`.
 * Tenant and instance are DNS labels (validated config), so they can never
 * carry an IAM wildcard (`*`, `?`) or a `/` into a policy.
 */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function instancePrefix(prefix: string, tenant: string, instance: string): string {
  for (const [what, value] of [
    ["tenant", tenant],
    ["instance", instance],
  ] as const) {
    if (!LABEL.test(value)) throw new Error(`${what} ${JSON.stringify(value)} is not a DNS label; refusing to put it into an IAM policy`);
  }
  if (!/^([a-z0-9][a-z0-9._-]*\/)+$/.test(prefix))
    throw new Error(`store prefix ${JSON.stringify(prefix)} must be path segments ending in '/'`);
  return `${prefix}${tenant}/${instance}/`;
}

/** ARN of the objects below a key prefix (ending in `/`): `<bucketArn>/<prefix>*`. */
export function objectsArn(bucketArn: string, keyPrefix: string): string {
  return `${bucketArn}/${keyPrefix}*`;
}

/** The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The principal S3 uses when it calls KMS for a caller (`kms:ViaService`). */
export function s3ServiceEndpoint(region: string): string {
  return `s3.${region}.amazonaws.com`;
}
