import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FleetModel, InstanceModel } from "../config/model";
import type { BackupStoreRef } from "./store";

export interface InstanceBackupArgs {
  readonly fleet: FleetModel;
  readonly model: InstanceModel;
  readonly store: BackupStoreRef;
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
  /** The instance's state volume; the restore Job must wait for it. */
  readonly dataClaim?: k8s.core.v1.PersistentVolumeClaim;
}

/**
 * Everything that backs one instance up and restores it: its backup identity,
 * schedule and restore Job. (Filled in by the backup identity and engine work.)
 */
export class InstanceBackup extends pulumi.ComponentResource {
  /** Resources the StatefulSet must wait for (a restore Job, when one runs). */
  public readonly beforeWorkload: pulumi.Resource[] = [];

  constructor(name: string, args: InstanceBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:InstanceBackup", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
