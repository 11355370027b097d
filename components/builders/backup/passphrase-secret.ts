import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { passphraseSecretName } from "../../config/feature-names";

/** Keys of the client-side encryption Secret. */
export const PASSPHRASE_KEYS = { passphrase: "passphrase", salt: "salt" } as const;

export { passphraseSecretName };

export interface PassphraseValues {
  readonly passphrase: pulumi.Input<string>;
  readonly salt?: pulumi.Input<string>;
}

/**
 * The rclone crypt passphrase(s) of an instance's backups. The values are
 * the resolved Pulumi secret Outputs, so they stay encrypted in state and
 * never reach a ConfigMap, an argument or a log.
 */
export function buildPassphraseSecret(instance: InstanceModel, values: PassphraseValues): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: instanceMetadata(instance, passphraseSecretName(instance), "backup"),
    type: "Opaque",
    stringData: {
      [PASSPHRASE_KEYS.passphrase]: values.passphrase,
      ...(values.salt !== undefined ? { [PASSPHRASE_KEYS.salt]: values.salt } : {}),
    },
  };
}
