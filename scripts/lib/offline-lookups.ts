import type { FleetModel } from "../../components/config/model";
import { identityMode } from "../../components/config/backup-schema";
import { MOCK_AWS_ACCOUNT, type InvokeHandlers } from "./mock-runtime";

/** What a render shows where `pulumi up` would look a value up in the cloud. */
export interface OfflineLookups {
  readonly invokes: InvokeHandlers;
  /** One line per placeholder, printed with the render's summary. */
  readonly notes: readonly string[];
}

/**
 * The lookups the program makes for settings the docs describe as "looked up" (IRSA with only
 * `cluster.eks.clusterName`: the cluster's OIDC issuer and the account id), answered offline
 * with visible placeholders, so a render needs no cloud and says where its output differs.
 */
export function offlineLookups(model: FleetModel): OfflineLookups {
  const eks = model.cluster.eks;
  const store = model.backup.store;
  if (!model.backup.enabled || store === undefined || eks === undefined || identityMode(model.backup) !== "irsa")
    return { invokes: {}, notes: [] };
  if (eks.oidcProviderArn !== undefined && eks.oidcIssuer !== undefined) return { invokes: {}, notes: [] };
  const region = model.aws?.region ?? "us-east-1";
  const issuer = `oidc.eks.${region}.amazonaws.com/id/LOOKED-UP-AT-DEPLOY-${eks.clusterName}`;
  return {
    invokes: {
      "aws:eks/getCluster:getCluster": () => ({ name: eks.clusterName, identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }] }),
      "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_AWS_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:root`,
        userId: MOCK_AWS_ACCOUNT,
        id: MOCK_AWS_ACCOUNT,
      }),
    },
    notes: [
      `note: cluster.eks.oidcIssuer and oidcProviderArn are not set, so \`pulumi up\` looks them up from EKS cluster "${eks.clusterName}"; this offline render shows the placeholder issuer ${issuer} and account ${MOCK_AWS_ACCOUNT} in the IAM trust policies (set both keys to render the real ones)`,
    ],
  };
}
