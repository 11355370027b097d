import type * as pulumi from "@pulumi/pulumi";

/** What backup roles need to know about the EKS cluster their pods run in. */
export interface EksClusterIdentity {
  readonly clusterName?: string;
  /** Pod Identity: the cluster's ARN, checked by the trust policy with the name. */
  readonly clusterArn?: pulumi.Output<string>;
  /** IRSA: `arn:aws:iam::<account>:oidc-provider/<issuer>`. */
  readonly oidcProviderArn?: pulumi.Output<string>;
  /** IRSA: the issuer without `https://`. */
  readonly oidcIssuer?: pulumi.Output<string>;
}
