import * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { backupAccessPolicy, instancePrefix, policyJson, type PrefixLocation } from "../iam";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "./trust";
import type { RestoreSourceAccess } from "../backup/store-env";
import type { BackupStoreRef } from "../store/ref";

/** The role's permission policy as JSON, once the bucket and key ARNs are known. */
export function backupAccessPolicyJson(
  instance: InstanceModel,
  store: BackupStoreRef,
  source: RestoreSourceAccess | undefined,
): pulumi.Output<string> {
  const location = (ref: BackupStoreRef, keyPrefix: string) =>
    pulumi
      .all([ref.bucketArn, ref.kmsKeyArn])
      .apply(([bucketArn, kmsKeyArn]): PrefixLocation => ({ bucketArn, keyPrefix, ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}) }));
  const own = location(store, instancePrefix(store.prefix, instance.tenant, instance.name));
  const restore = source === undefined ? pulumi.output(undefined) : location(source.store, source.keyPrefix);
  return pulumi
    .all([own, restore])
    .apply(([ownLocation, restoreSource]) =>
      policyJson(backupAccessPolicy({ own: ownLocation, region: store.region, ...(restoreSource !== undefined ? { restoreSource } : {}) })),
    );
}

export function irsaTrustPolicyJson(
  instance: InstanceModel,
  oidcProviderArn: pulumi.Input<string>,
  oidcIssuer: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.all([oidcProviderArn, oidcIssuer]).apply(([providerArn, issuer]) =>
    policyJson(
      irsaTrustPolicy({
        oidcProviderArn: providerArn,
        oidcIssuer: issuer,
        namespace: instance.namespace,
        serviceAccount: instance.names.backupServiceAccount,
      }),
    ),
  );
}

export function podIdentityTrustPolicyJson(
  instance: InstanceModel,
  clusterName: string,
  clusterArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.output(clusterArn).apply((arn) =>
    policyJson(
      podIdentityTrustPolicy({
        clusterName,
        clusterArn: arn,
        namespace: instance.namespace,
        serviceAccount: instance.names.backupServiceAccount,
      }),
    ),
  );
}
