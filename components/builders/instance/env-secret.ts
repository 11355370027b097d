import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import type { SecretRef } from "../../config/primitives";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/** The env vars set from stack secrets (`env.NAME: { secretRef: … }`), by name. */
export function envSecretRefs(instance: InstanceModel): [string, SecretRef][] {
  return Object.entries(instance.spec.env)
    .filter((entry): entry is [string, SecretRef] => typeof entry[1] === "object" && "secretRef" in entry[1])
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * A Secret with one key per env var set from a stack secret; the app reads
 * them through secretKeyRef. `resolve` returns secret Outputs, so the values
 * stay encrypted in state. Undefined when no env var uses a stack secret.
 */
export function buildEnvSecret(
  instance: InstanceModel,
  resolve: (ref: SecretRef) => pulumi.Output<string>,
): k8s.types.input.core.v1.Secret | undefined {
  const refs = envSecretRefs(instance);
  if (refs.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: instanceMetadata(instance, featureNames(instance).envSecret),
    type: "Opaque",
    stringData: Object.fromEntries(refs.map(([name, ref]) => [name, resolve(ref)])),
  };
}
