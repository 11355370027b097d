import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { identityMode } from "../config/backup-schema";
import type { FleetModel } from "../config/model";
import { partitionOf } from "../builders/iam";
import { stripScheme } from "../builders/identity/trust";
import type { EksClusterIdentity } from "../builders/identity/cluster-identity";

export type { EksClusterIdentity } from "../builders/identity/cluster-identity";

/**
 * The cluster's identity for the configured mode. The OIDC provider ARN and
 * issuer come from config when set (so a render or preview needs no cloud
 * call); otherwise they are looked up by cluster name.
 */
export function eksClusterIdentity(
  fleet: Pick<FleetModel, "aws" | "backup" | "cluster">,
  opts: pulumi.InvokeOutputOptions,
): EksClusterIdentity | undefined {
  const eks = fleet.cluster.eks;
  const mode = identityMode(fleet.backup);
  if (eks === undefined || mode === "staticKeys") return undefined;
  if (mode === "podIdentity") {
    // Configured, or looked up by name (the one cloud call a podIdentity preview then makes).
    const clusterArn =
      eks.clusterArn !== undefined ? pulumi.output(eks.clusterArn) : aws.eks.getClusterOutput({ name: eks.clusterName }, opts).arn;
    return { clusterName: eks.clusterName, clusterArn };
  }
  if (eks.oidcProviderArn !== undefined && eks.oidcIssuer !== undefined) {
    return {
      clusterName: eks.clusterName,
      oidcProviderArn: pulumi.output(eks.oidcProviderArn),
      oidcIssuer: pulumi.output(stripScheme(eks.oidcIssuer)),
    };
  }
  const issuer = aws.eks.getClusterOutput({ name: eks.clusterName }, opts).apply((cluster) => {
    const url = cluster.identities[0]?.oidcs[0]?.issuer;
    // A RunError is printed as its message alone, without a stack trace.
    if (url === undefined)
      throw new pulumi.RunError(
        `EKS cluster ${eks.clusterName} has no OIDC issuer; associate an IAM OIDC provider with it (eksctl utils associate-iam-oidc-provider) or use identity mode podIdentity`,
      );
    return stripScheme(url);
  });
  const account = aws.getCallerIdentityOutput({}, opts).accountId;
  const partition = partitionOf(fleet.aws?.region ?? "");
  return {
    clusterName: eks.clusterName,
    oidcIssuer: issuer,
    oidcProviderArn: pulumi.interpolate`arn:${partition}:iam::${account}:oidc-provider/${issuer}`,
  };
}
