import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FleetModel, InstanceModel } from "../config/model";
import { backupSources } from "../builders/kube/volumes";
import { BackupIdentity } from "../backup-identity/backup-identity";
import { buildBackupNetworkPolicy } from "../builders/backup/network-policy";
import { buildPassphraseSecret } from "../builders/backup/passphrase-secret";
import { buildRestoreJob } from "../builders/backup/restore-job";
import type { BackupStoreRef } from "../builders/store/ref";
import { BackupSchedule } from "../backup-schedule/backup-schedule";
import { RestoreJob } from "../restore-job/restore-job";

export interface InstanceBackupArgs {
  readonly fleet: FleetModel;
  readonly model: InstanceModel;
  readonly store: BackupStoreRef;
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
  /** The tenant namespace's engine ConfigMap (tenant/index.ts), which every backup pod mounts. */
  readonly engine: pulumi.Resource;
  /** The instance's persistent volumes (state, workspace); the restore Job must wait for them. */
  readonly claims?: readonly k8s.core.v1.PersistentVolumeClaim[];
  /** The fleet's lifecycle hooks for restore Jobs (stop the instance, start it after); absent where they cannot act. */
  readonly restoreHooks?: pulumi.ResourceHookBinding;
}

/**
 * Everything that backs one instance up and restores it: its backup
 * identity, the engine scripts, the NetworkPolicy of its backup pods, the
 * schedule and the restore Job. Objects come from pure builders; this class
 * wires dependencies: every backup pod waits for its identity, scripts and
 * passphrase, and the restore waits for the volume.
 */
export class InstanceBackup extends pulumi.ComponentResource {
  /** Resources the StatefulSet must wait for (a restore Job, when one runs). */
  public readonly beforeWorkload: pulumi.Resource[] = [];
  public readonly schedule?: BackupSchedule;
  public readonly restore?: RestoreJob;
  /** The backup pods' ServiceAccount and their (only) access to the store. */
  public readonly identity: BackupIdentity;

  constructor(name: string, args: InstanceBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:InstanceBackup", name, {}, opts);
    const { fleet, model, store } = args;
    const child = (
      dependsOn: pulumi.Input<pulumi.Resource>[] = [],
      extra?: pulumi.CustomResourceOptions,
    ): pulumi.CustomResourceOptions => ({
      parent: this,
      ...extra,
      dependsOn: [args.namespace, ...dependsOn],
    });

    // Backup identity (ServiceAccount, cloud role or static keys): resources that every backup pod needs first.
    this.identity = new BackupIdentity(`${name}-identity`, { fleet, instance: model, store, namespace: args.namespace }, { parent: this });
    const identity: pulumi.Resource[] = [...this.identity.ready];

    if (backupSources(model).length === 0) {
      // Persistence is off: nothing durable to back up (config validation refuses a restore here).
      this.registerOutputs({});
      return;
    }

    const podPrerequisites: pulumi.Resource[] = [...identity, args.engine];
    const encryption = model.spec.backup.encryption;
    if (encryption !== undefined) {
      const values = {
        passphrase: fleet.secrets.resolve(encryption.passphrase),
        ...(encryption.salt !== undefined ? { salt: fleet.secrets.resolve(encryption.salt) } : {}),
      };
      podPrerequisites.push(new k8s.core.v1.Secret(`${name}-passphrase`, buildPassphraseSecret(model, values), child()));
    }
    const networkPolicy = buildBackupNetworkPolicy(fleet, model, store.endpoint);
    if (networkPolicy !== undefined) podPrerequisites.push(new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, networkPolicy, child()));

    const restoreJob = buildRestoreJob({ fleet, instance: model, store });
    if (restoreJob !== undefined) {
      this.restore = new RestoreJob(
        `${name}-restore`,
        {
          job: restoreJob,
          activeDeadlineSeconds: model.spec.backup.activeDeadlineSeconds,
          dependsOn: [args.namespace, ...podPrerequisites, ...(args.claims ?? [])],
          // A new restoreFrom on a running instance: stop it first, start it after (lifecycle-hooks/restore.ts).
          hooks: args.restoreHooks,
        },
        { parent: this },
      );
      this.beforeWorkload.push(this.restore);
    }
    // After the restore, so that no scheduled run snapshots a half-restored volume.
    this.schedule = new BackupSchedule(
      `${name}-schedule`,
      { fleet, instance: model, store, dependsOn: [args.namespace, ...podPrerequisites, ...this.beforeWorkload] },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
