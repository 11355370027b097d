import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import { instanceLabels, selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";
import { appContainer } from "./pod/app-container";
import { initContainers } from "./pod/init-containers";
import { podVolumes } from "./pod/pod-volumes";
import { podSecurityContext } from "./pod/security";
import { withCaBundle } from "./pod/shared";
import { sidecarContainers } from "./pod/sidecars";
import { appCallsApi } from "./role";
import { serviceAccountName } from "./service-account";
import { configMapData } from "./config-map";

export { APP_CONTAINER } from "./pod/app-container";
export { imageReference } from "../../config/instance/image";

/** A hash of what the pods read from ConfigMaps at start, so that a change rolls the pod. */
export function configChecksum(instance: InstanceModel): string {
  const hash = createHash("sha256").update(JSON.stringify(configMapData(instance)));
  hash.update(JSON.stringify(instance.spec.workspace));
  return hash.digest("hex");
}

export function buildStatefulSet(instance: InstanceModel): k8s.types.input.apps.v1.StatefulSet {
  const spec = instance.spec;
  const availability = spec.availability;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: instanceMetadata(instance, instance.names.statefulSet),
    spec: {
      // With autoscaling the HPA owns the replica count; setting it here would fight it on every run.
      ...(availability.autoScaling.enabled ? {} : { replicas: spec.replicas }),
      serviceName: featureNames(instance).headlessService,
      selector: { matchLabels: selectorLabels(instance.tenant, instance.name) },
      // One writer per volume: never run old and new pods side by side.
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      template: {
        metadata: {
          labels: instanceLabels(instance.tenant, instance.name),
          annotations: { "openclaw.io/config-sha256": configChecksum(instance) },
        },
        spec: {
          serviceAccountName: serviceAccountName(instance),
          // Only an instance given API rights (rbac.additionalRules) gets a token, and a Role.
          automountServiceAccountToken: appCallsApi(instance),
          enableServiceLinks: false,
          securityContext: podSecurityContext(spec),
          terminationGracePeriodSeconds: 60,
          ...(spec.image.pullSecrets.length > 0 ? { imagePullSecrets: spec.image.pullSecrets.map((name) => ({ name })) } : {}),
          initContainers: withCaBundle(initContainers(instance), spec),
          containers: withCaBundle([appContainer(instance), ...sidecarContainers(instance)], spec),
          volumes: podVolumes(instance),
          ...(Object.keys(availability.nodeSelector).length > 0 ? { nodeSelector: { ...availability.nodeSelector } } : {}),
          ...(availability.tolerations.length > 0 ? { tolerations: availability.tolerations.map((t) => ({ ...t })) } : {}),
          ...(availability.affinity !== undefined ? { affinity: { ...availability.affinity } } : {}),
          ...(availability.topologySpreadConstraints.length > 0
            ? { topologySpreadConstraints: availability.topologySpreadConstraints.map((t) => ({ ...t })) }
            : {}),
        },
      },
    },
  };
}
