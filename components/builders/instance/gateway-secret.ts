import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";

export const GATEWAY_TOKEN_KEY = "token";

/** The gateway token Secret; `token` is a secret Output (generated once and kept in state). */
export function buildGatewaySecret(instance: InstanceModel, token: pulumi.Input<string>): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: instanceMetadata(instance, instance.names.gatewaySecret),
    type: "Opaque",
    stringData: { [GATEWAY_TOKEN_KEY]: token },
  };
}

/** Where the app reads its token from: the generated Secret or the configured existing one. */
export function gatewayTokenRef(instance: InstanceModel): { name: string; key: string } {
  return instance.spec.gateway.existingSecret ?? { name: instance.names.gatewaySecret, key: GATEWAY_TOKEN_KEY };
}
