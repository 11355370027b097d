import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { identityMode, type IdentityMode } from "../config/backup-schema";
import { findTenantModel, type FleetModel, type InstanceModel } from "../config/model";
import { restoreSourceAccess } from "../builders/backup/store-env";
import type { BackupStoreRef } from "../builders/store/ref";
import { backupAccessPolicyJson, irsaTrustPolicyJson, podIdentityTrustPolicyJson } from "../builders/identity/policies";
import { buildBackupRole, roleTags } from "../builders/identity/role";
import { buildBackupServiceAccount } from "../builders/identity/service-account";
import { buildStaticKeysSecret } from "../builders/identity/static-keys-secret";

export interface BackupIdentityArgs {
  readonly fleet: FleetModel;
  readonly instance: InstanceModel;
  /** The store of the instance's tenant. */
  readonly store: BackupStoreRef;
  /** The tenant's Namespace, which the ServiceAccount and Secret wait for. */
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
}

/**
 * Who an instance's backup pods are: a dedicated ServiceAccount and, by
 * mode, an IAM role that can reach only the instance's own prefix (irsa,
 * podIdentity) or the tenant's static keys in a Secret (staticKeys).
 */
export class BackupIdentity extends pulumi.ComponentResource {
  public readonly mode: IdentityMode;
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** The backup role (irsa, podIdentity). */
  public readonly role?: aws.iam.Role;
  /** The Secret with the store keys (staticKeys). */
  public readonly secret?: k8s.core.v1.Secret;
  /** Resources a backup pod must wait for before it can reach the store. */
  public readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: BackupIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupIdentity", name, {}, opts);
    const { fleet, instance, store } = args;
    const k8sChild: pulumi.CustomResourceOptions = { parent: this, dependsOn: [args.namespace] };
    this.mode = identityMode(fleet.backup);

    if (this.mode === "staticKeys") {
      const keys = findTenantModel(fleet, instance.tenant)?.spec.backup.credentials ?? fleet.backup.store?.credentials;
      if (keys === undefined) throw new Error(`no static keys for tenant ${instance.tenant} (validated config should have caught this)`);
      this.serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, buildBackupServiceAccount(instance), k8sChild);
      this.secret = new k8s.core.v1.Secret(
        `${name}-secret`,
        buildStaticKeysSecret(instance, {
          accessKeyId: fleet.secrets.resolve(keys.accessKeyId),
          secretAccessKey: fleet.secrets.resolve(keys.secretAccessKey),
        }),
        k8sChild,
      );
      this.ready.push(this.serviceAccount, this.secret);
    } else {
      const cluster = store.cluster;
      let trust: pulumi.Input<string>;
      if (this.mode === "irsa") {
        if (cluster?.oidcProviderArn === undefined || cluster.oidcIssuer === undefined)
          throw new Error("irsa needs the cluster's OIDC provider (validated config should have caught this)");
        trust = irsaTrustPolicyJson(instance, cluster.oidcProviderArn, cluster.oidcIssuer);
      } else {
        if (cluster?.clusterName === undefined || cluster.clusterArn === undefined)
          throw new Error("podIdentity needs cluster.eks.clusterName (validated config should have caught this)");
        trust = podIdentityTrustPolicyJson(instance, cluster.clusterName, cluster.clusterArn);
      }
      const role = new aws.iam.Role(`${name}-role`, buildBackupRole(instance, trust), { parent: this });
      const policy = new aws.iam.RolePolicy(
        `${name}-policy`,
        { role: role.name, policy: backupAccessPolicyJson(instance, store, restoreSourceAccess({ fleet, instance, store })) },
        { parent: this },
      );
      this.role = role;
      this.serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-sa`,
        buildBackupServiceAccount(instance, this.mode === "irsa" ? role.arn : undefined),
        k8sChild,
      );
      this.ready.push(this.serviceAccount, policy);
      if (this.mode === "podIdentity" && cluster?.clusterName !== undefined) {
        this.ready.push(
          new aws.eks.PodIdentityAssociation(
            `${name}-pod-identity`,
            {
              clusterName: cluster.clusterName,
              namespace: instance.namespace,
              serviceAccount: instance.names.backupServiceAccount,
              roleArn: role.arn,
              tags: roleTags(instance),
            },
            { parent: this },
          ),
        );
      }
    }
    this.registerOutputs({
      serviceAccount: instance.names.backupServiceAccount,
      roleArn: this.role?.arn,
      secret: this.secret !== undefined ? instance.names.backupSecret : undefined,
    });
  }
}
