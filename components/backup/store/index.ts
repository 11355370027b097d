import * as pulumi from "@pulumi/pulumi";
import type { FleetModel } from "../../config/model";

/** What an instance's backup needs to know about the store its snapshots go to. */
export interface BackupStoreRef {
  readonly kind: "aws" | "s3Compatible";
  /** Bucket name (an Output: on AWS the bucket is created by this stack). */
  readonly bucket: pulumi.Output<string>;
  /** Object-key prefix, ending in `/`; below it: `<tenant>/<instance>/`. */
  readonly prefix: string;
}

export interface BackupStoreArgs {
  readonly model: FleetModel;
}

/**
 * The object store for a fleet's backups. (Filled in by the backup-store
 * work: bucket, KMS key, lifecycle, policies.)
 */
export class BackupStore extends pulumi.ComponentResource {
  public readonly ref: BackupStoreRef | undefined;

  constructor(name: string, args: BackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupStore", name, {}, opts);
    const store = args.model.backup.store;
    this.ref =
      store?.kind === "s3Compatible"
        ? { kind: "s3Compatible", bucket: pulumi.output(store.bucket), prefix: args.model.backup.prefix }
        : undefined;
    this.registerOutputs({});
  }
}
