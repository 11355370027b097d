import { policyDocument, type PolicyDocument } from "../iam/document";

/** The audience EKS projects into service-account tokens meant for STS. */
export const STS_AUDIENCE = "sts.amazonaws.com";
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export interface IrsaTrustArgs extends ServiceAccountRef {
  /** `arn:aws:iam::<account>:oidc-provider/<issuer>`. */
  readonly oidcProviderArn: string;
  /** The issuer host and path, without `https://`. */
  readonly oidcIssuer: string;
}

/**
 * IRSA: only tokens the cluster's OIDC issuer minted for exactly this
 * ServiceAccount (`sub`) and for STS (`aud`) may assume the role. Without the
 * `aud` check, a token minted for any other audience would do.
 */
export function irsaTrustPolicy(args: IrsaTrustArgs): PolicyDocument {
  const issuer = stripScheme(args.oidcIssuer);
  return policyDocument([
    {
      Sid: "BackupServiceAccountOnly",
      Effect: "Allow",
      Principal: { Federated: args.oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
          [`${issuer}:aud`]: STS_AUDIENCE,
        },
      },
    },
  ]);
}

export interface PodIdentityTrustArgs extends ServiceAccountRef {
  readonly clusterName: string;
  /** `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
  readonly clusterArn: string;
}

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:…`). */
export function accountOf(arn: string): string {
  const account = arn.split(":")[4];
  if (account === undefined || !/^\d{12}$/.test(account)) throw new Error(`${arn} is not an ARN with an account`);
  return account;
}

/**
 * EKS Pod Identity: the association binds the role to one ServiceAccount;
 * the trust policy repeats that binding with the session tags the Pod
 * Identity agent always sends, so a second association made by hand for
 * another ServiceAccount or cluster cannot use this role. A cluster name
 * alone is not unique (another account, another region may reuse it): the
 * cluster's ARN and the account the request comes from are checked too.
 */
export function podIdentityTrustPolicy(args: PodIdentityTrustArgs): PolicyDocument {
  return policyDocument([
    {
      Sid: "BackupServiceAccountOnly",
      Effect: "Allow",
      Principal: { Service: POD_IDENTITY_PRINCIPAL },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: {
        StringEquals: {
          "aws:SourceAccount": accountOf(args.clusterArn),
          "aws:RequestTag/eks-cluster-arn": args.clusterArn,
          "aws:RequestTag/eks-cluster-name": args.clusterName,
          "aws:RequestTag/kubernetes-namespace": args.namespace,
          "aws:RequestTag/kubernetes-service-account": args.serviceAccount,
        },
      },
    },
  ]);
}

export function stripScheme(issuer: string): string {
  return issuer.replace(/^https:\/\//, "").replace(/\/$/, "");
}
