import { strict as assert } from "node:assert";
import { ConfigError } from "../../../components/config/problems";
import { loadFleetConfig } from "../../../components/validation/load";
import type { RawStackConfig } from "../../../components/config/load";
import type { PolicyDocument } from "../../../components/builders/iam";
import { MOCK_AWS_ACCOUNT, type Registration } from "../../../scripts/lib/mock-runtime";
import { rawConfig } from "../../support/stacks";

export const REGION = "eu-west-1";
export const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${MOCK_AWS_ACCOUNT}:oidc-provider/${ISSUER}`;
export const CLUSTER = "openclaw-test";
export const CLUSTER_ARN = `arn:aws:eks:${REGION}:${MOCK_AWS_ACCOUNT}:cluster/${CLUSTER}`;

/**
 * Three tenants with two instances each. Instance names are chosen so that
 * one is a string prefix of another (`bot`, `bot2`): a policy that forgets
 * the trailing `/` of a prefix would leak between them.
 */
export const TENANTS: Readonly<Record<string, readonly string[]>> = {
  acme: ["bot", "bot2"],
  globex: ["ops", "research"],
  initech: ["helpdesk", "hr"],
};

export const INSTANCES: readonly { tenant: string; instance: string }[] = Object.entries(TENANTS).flatMap(([tenant, names]) =>
  names.map((instance) => ({ tenant, instance })),
);

export interface FleetOptions {
  readonly store?: Record<string, unknown>;
  readonly identity?: Record<string, unknown>;
  readonly eks?: Record<string, unknown>;
  /** Extra settings per tenant, merged over the generated ones. */
  readonly tenants?: Record<string, Record<string, unknown>>;
  /** Extra settings per `tenant/instance`. */
  readonly instances?: Record<string, Record<string, unknown>>;
  readonly secrets?: Record<string, string>;
  /** The platform team's block (`platform`), e.g. `{ tenants: { globex: { restoreFromTenants: ["acme"] } } }`. */
  readonly platform?: Record<string, unknown>;
}

/** A stack on EKS with an aws store and IRSA (unless overridden). */
export function awsFleet(options: FleetOptions = {}): RawStackConfig {
  const tenants: Record<string, unknown> = {};
  for (const [tenant, names] of Object.entries(TENANTS)) {
    const instances: Record<string, unknown> = {};
    for (const name of names) instances[name] = options.instances?.[`${tenant}/${name}`] ?? {};
    tenants[tenant] = { ...(options.tenants?.[tenant] ?? {}), instances };
  }
  return rawConfig({
    cluster: {
      kubernetes: { renderYamlToDirectory: "out" },
      eks: options.eks ?? { clusterName: CLUSTER, oidcProviderArn: OIDC_PROVIDER_ARN, oidcIssuer: ISSUER },
    },
    aws: { region: REGION, tags: { environment: "test" } },
    backup: { store: { kind: "aws", ...(options.store ?? {}) }, ...(options.identity !== undefined ? { identity: options.identity } : {}) },
    defaults: { image: { tag: "2026.9.6" } },
    tenants,
    ...(options.secrets !== undefined ? { secrets: options.secrets } : {}),
    ...(options.platform !== undefined ? { platform: options.platform } : {}),
  });
}

export function inputsOf(registrations: readonly Registration[], type: string, name: string): Record<string, unknown> {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  const [only] = found;
  if (only === undefined || found.length !== 1)
    throw new Error(
      `expected one ${type} ${name}, found ${found.length}: ${registrations
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return only.inputs;
}

export function ofType(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((r) => r.type === type);
}

function parse(json: unknown, what: string): PolicyDocument {
  if (typeof json !== "string") throw new Error(`${what} is not a JSON string`);
  return JSON.parse(json) as PolicyDocument;
}

/** What the program registered for one instance's backup role. */
export interface RoleFacts {
  readonly arn: string;
  readonly trust: PolicyDocument;
  readonly policy: PolicyDocument;
}

export function roleFacts(registrations: readonly Registration[], tenant: string, instance: string): RoleFacts {
  const role = inputsOf(registrations, "aws:iam/role:Role", `${tenant}/${instance}-backup-identity-role`);
  const policy = inputsOf(registrations, "aws:iam/rolePolicy:RolePolicy", `${tenant}/${instance}-backup-identity-policy`);
  return {
    arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/${String(policy.role)}`,
    trust: parse(role.assumeRolePolicy, `trust policy of ${tenant}/${instance}`),
    policy: parse(policy.policy, `policy of ${tenant}/${instance}`),
  };
}

export function bucketFacts(
  registrations: readonly Registration[],
  logicalBucket = "fleet-backup-store-bucket",
): { name: string; arn: string; policy: PolicyDocument; kmsKeyArn: string } {
  const policy = inputsOf(registrations, "aws:s3/bucketPolicy:BucketPolicy", `${logicalBucket}-policy`);
  const encryption = inputsOf(
    registrations,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    `${logicalBucket}-encryption`,
  );
  const rules = encryption.rules as [{ applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }];
  const name = String(policy.bucket);
  return {
    name,
    arn: `arn:aws:s3:::${name}`,
    policy: parse(policy.policy, "bucket policy"),
    kmsKeyArn: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
  };
}

/** The ARN of the KMS key an alias points at (the mocks derive key ARNs from key ids). */
export function keyArnOfAlias(registrations: readonly Registration[], aliasName: string): string {
  const alias = ofType(registrations, "aws:kms/alias:Alias").find((r) => r.inputs.name === aliasName);
  if (alias === undefined) throw new Error(`no KMS alias ${aliasName}`);
  return `arn:aws:kms:${REGION}:${MOCK_AWS_ACCOUNT}:key/${String(alias.inputs.targetKeyId)}`;
}

/** The ConfigError message a stack config is refused with; fails the test when it loads. */
export function configErrorMessage(raw: RawStackConfig): string {
  try {
    loadFleetConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  assert.fail("expected a ConfigError");
}
