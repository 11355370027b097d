import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { BACKUP_SECRET_KEYS } from "./secret-keys";

export interface StaticKeys {
  /** Secret Outputs resolved from `{ secretRef }` config; they stay secret in state. */
  readonly accessKeyId: pulumi.Input<string>;
  readonly secretAccessKey: pulumi.Input<string>;
}

/**
 * The store keys of one instance's backup pods, in the tenant's namespace.
 * Pods read them through `secretKeyRef` only (see backupStoreEnv), never from
 * args or a ConfigMap.
 */
export function buildStaticKeysSecret(instance: InstanceModel, keys: StaticKeys): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: instanceMetadata(instance, instance.names.backupSecret, "backup"),
    type: "Opaque",
    stringData: {
      [BACKUP_SECRET_KEYS.accessKeyId]: keys.accessKeyId,
      [BACKUP_SECRET_KEYS.secretAccessKey]: keys.secretAccessKey,
    },
  };
}
