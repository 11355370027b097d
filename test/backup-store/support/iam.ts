/**
 * A real IAM policy evaluator for the policies the program registers:
 * @cloud-copilot/iam-simulate. Identity requests go through its validated
 * entry point, which also checks actions, resource ARNs and condition keys
 * against AWS's service reference, and any context key it would ignore fails
 * the test (an ignored key would make a condition pass or fail for the wrong
 * reason). Trust policies with OIDC condition keys (`<issuer>:sub`), which
 * that entry point does not know, go through its core engine directly.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../../components/builders/iam";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface IdentityRequest {
  /** The calling role's ARN. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** Policies attached to the principal. */
  readonly identityPolicies: readonly PolicyDocument[];
  /** Policy of the resource (bucket policy, key policy). */
  readonly resourcePolicy?: PolicyDocument;
}

function accountOf(arn: string): string {
  const account = arn.split(":")[4];
  if (account === undefined || !/^\d{12}$/.test(account)) throw new Error(`no account id in ${arn}`);
  return account;
}

/** Evaluates a request of a principal in the resource's own account (an S3 bucket ARN has none: the principal's is used). */
export async function evaluateIdentity(request: IdentityRequest): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.principal) },
      contextVariables: { ...(request.context ?? {}) },
    },
    identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy !== undefined ? { resourcePolicy: request.resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error")
    throw new Error(`simulation rejected ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== "single") throw new Error(`expected a single-resource simulation for ${request.resource}`);
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0)
    throw new Error(`the simulator ignored context keys ${ignored.join(", ")} for ${request.action}: the test would prove nothing`);
  return result.overallResult;
}

// The core engine and request model are not exported by the package entry point; load them the way it does.
const dist = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
// The policy parser is iam-simulate's own dependency; resolve it from there so that both use the same instance.
type PolicyWithName = { readonly __policy: unique symbol };
const { loadPolicy } = require(require.resolve("@cloud-copilot/iam-policy", { paths: [dist] })) as {
  loadPolicy(document: unknown, metadata: { name: string }): PolicyWithName;
};
interface CoreEngine {
  authorize(request: {
    request: unknown;
    sessionPolicy: undefined;
    identityPolicies: PolicyWithName[];
    serviceControlPolicies: [];
    resourceControlPolicies: [];
    resourcePolicy: PolicyWithName | undefined;
    permissionBoundaries: undefined;
    vpcEndpointPolicies: undefined;
    simulationParameters: { simulationMode: "Strict"; discoveryContextKeyConstraints: unknown };
  }): { result: Decision };
}
const core = require(path.join(dist, "core_engine/CoreSimulatorEngine.js")) as CoreEngine;
const { AwsRequestImpl } = require(path.join(dist, "request/request.js")) as {
  AwsRequestImpl: new (principal: string, resource: { resource: string; accountId: string }, action: string, context: unknown) => unknown;
};
const { RequestContextImpl } = require(path.join(dist, "requestContext.js")) as {
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
};
const { DiscoveryContextKeyConstraints } = require(path.join(dist, "context_keys/discoveryContextKeyConstraints.js")) as {
  DiscoveryContextKeyConstraints: new (constraints: []) => unknown;
};

/**
 * Evaluates a request with the core engine: no validation of condition keys,
 * so keys the validated entry point does not resolve are evaluated as given:
 * OIDC keys (`<issuer>:sub`) and variable keys such as
 * `kms:EncryptionContext:aws:s3:arn`. Same-account semantics as AWS: an
 * allow in the identity policies or the resource policy, and no deny.
 */
export function evaluateCore(request: IdentityRequest): Decision {
  const awsRequest = new AwsRequestImpl(
    request.principal,
    {
      resource: request.resource,
      accountId: accountOf(request.resource.startsWith("arn:aws:s3:::") ? request.principal : request.resource),
    },
    request.action,
    new RequestContextImpl({ ...(request.context ?? {}) }),
  );
  return core.authorize({
    request: awsRequest,
    sessionPolicy: undefined,
    identityPolicies: request.identityPolicies.map((policy, i) => loadPolicy(policy, { name: `identity-${i}` })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy !== undefined ? loadPolicy(request.resourcePolicy, { name: "resource-policy" }) : undefined,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
  }).result;
}

export interface AssumeRequest {
  /** Who calls STS: the OIDC provider ARN (IRSA) or `pods.eks.amazonaws.com` (Pod Identity). */
  readonly principal: string;
  readonly action: "sts:AssumeRoleWithWebIdentity" | "sts:AssumeRole" | "sts:TagSession";
  readonly roleArn: string;
  readonly context: Record<string, string | string[]>;
  readonly trustPolicy: PolicyDocument;
}

/** Evaluates an STS call against a role's trust policy alone (as STS does for federated and service principals). */
export function evaluateTrust(request: AssumeRequest): Decision {
  return evaluateCore({
    principal: request.principal,
    action: request.action,
    resource: request.roleArn,
    context: request.context,
    identityPolicies: [],
    resourcePolicy: request.trustPolicy,
  });
}

/** AWS's default key policy: the account may delegate use of the key to IAM policies. */
export function defaultKeyPolicy(account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableIAMUserPermissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/**
 * A clone's role reads the source's objects with the source's KMS key, and only so: Decrypt through
 * S3 for that bucket, never GenerateDataKey (it writes nothing with that key), never outside S3.
 */
export function assertDecryptsOnlyThroughS3(
  role: { readonly arn: string; readonly policy: PolicyDocument },
  keyArn: string,
  bucketArn: string,
  region: string,
  account: string,
): void {
  const kms = (action: string, context: Record<string, string>) =>
    evaluateCore({
      principal: role.arn,
      action,
      resource: keyArn,
      context,
      identityPolicies: [role.policy],
      resourcePolicy: defaultKeyPolicy(account),
    });
  const viaS3 = { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": bucketArn };
  assert.equal(kms("kms:Decrypt", viaS3), "Allowed");
  assert.equal(kms("kms:GenerateDataKey", viaS3), "ImplicitlyDenied", "it never writes with the source's key");
  assert.equal(kms("kms:Decrypt", { "kms:EncryptionContext:aws:s3:arn": bucketArn }), "ImplicitlyDenied", "only through S3");
}
