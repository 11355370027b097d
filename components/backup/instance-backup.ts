import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FleetModel, InstanceModel } from "../config/model";
import { backupSources } from "../instance/volumes";
import { lifecycleHooks } from "./hooks";
import { BackupIdentity } from "./identity";
import { buildBackupNetworkPolicy } from "./network-policy";
import { buildPassphraseSecret } from "./passphrase-secret";
import { buildRestoreJob } from "./restore-job";
import { buildBackupCronJob } from "./schedule";
import type { BackupStoreRef } from "./store";

export interface InstanceBackupArgs {
  readonly fleet: FleetModel;
  readonly model: InstanceModel;
  readonly store: BackupStoreRef;
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
  /** The tenant namespace's engine ConfigMap (tenant/index.ts), which every backup pod mounts. */
  readonly engine: pulumi.Resource;
  /** The instance's persistent volumes (state, workspace); the restore Job must wait for them. */
  readonly claims?: readonly k8s.core.v1.PersistentVolumeClaim[];
}

/** Time Pulumi gives a restore on top of the Job's own deadline: scheduling, volume attach, image pulls. */
const RESTORE_AWAIT_MARGIN_SECONDS = 600;

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
  public readonly cronJob?: k8s.batch.v1.CronJob;
  public readonly restoreJob?: k8s.batch.v1.Job;
  /** The backup pods' ServiceAccount and their (only) access to the store. */
  public readonly identity: BackupIdentity;

  constructor(name: string, args: InstanceBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:InstanceBackup", name, {}, opts);
    const { fleet, model, store } = args;
    const child = (dependsOn: pulumi.Input<pulumi.Resource>[] = [], extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({
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

    const restore = buildRestoreJob({ fleet, instance: model, store });
    if (restore !== undefined) {
      const deadline = model.spec.backup.activeDeadlineSeconds;
      this.restoreJob = new k8s.batch.v1.Job(
        `${name}-restore`,
        restore,
        child([...podPrerequisites, ...(args.claims ?? [])], {
          // The Job's name carries the source; nothing else may re-run a restore over live data.
          // A new image or new resources would otherwise replace the (immutable) Job and restore again.
          ignoreChanges: ["spec"],
          customTimeouts: { create: `${deadline + RESTORE_AWAIT_MARGIN_SECONDS}s`, update: `${deadline + RESTORE_AWAIT_MARGIN_SECONDS}s` },
          // A new restoreFrom on a running instance: stop it first, start it after (hooks/restore.ts).
          hooks: lifecycleHooks()?.restore,
        }),
      );
      this.beforeWorkload.push(this.restoreJob);
    }
    // After the restore, so that no scheduled run snapshots a half-restored volume.
    this.cronJob = new k8s.batch.v1.CronJob(
      `${name}-schedule`,
      buildBackupCronJob({ fleet, instance: model, store }),
      child([...podPrerequisites, ...this.beforeWorkload]),
    );
    this.registerOutputs({});
  }
}
