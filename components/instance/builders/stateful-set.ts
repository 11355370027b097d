import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import { instanceLabels, selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../pod-security";
import { CANVAS_PORT, CONFIG_FILE, CONFIG_MOUNT_DIR, GATEWAY_PORT, HOME_DIR, STATE_DIR } from "../ports";
import { gatewayTokenRef } from "./gateway-secret";
import { renderOpenclawJson } from "./openclaw-json";

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;

export const APP_CONTAINER = "openclaw";

/** `repository:tag` or `repository@sha256:…`; a digest wins over a tag. */
export function imageReference(image: InstanceModel["spec"]["image"]): string {
  if (image.digest !== undefined) return `${image.repository}@${image.digest}`;
  return `${image.repository}:${image.tag ?? ""}`;
}

function appEnv(instance: InstanceModel): EnvVar[] {
  const token = gatewayTokenRef(instance);
  const user = Object.keys(instance.spec.env)
    .sort()
    .map((name) => ({ name, value: instance.spec.env[name] }));
  return [
    { name: "HOME", value: HOME_DIR },
    { name: "OPENCLAW_STATE_DIR", value: STATE_DIR },
    { name: "OPENCLAW_GATEWAY_TOKEN", valueFrom: { secretKeyRef: { name: token.name, key: token.key } } },
    ...user,
  ];
}

// The root filesystem is read-only; these are the only writable paths.
const mounts = {
  state: { name: "state", mountPath: STATE_DIR },
  home: { name: "home", mountPath: HOME_DIR },
  tmp: { name: "tmp", mountPath: "/tmp" },
  config: { name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true },
};

function volumes(instance: InstanceModel): Volume[] {
  const state: Volume = instance.spec.persistence.enabled
    ? { name: "state", persistentVolumeClaim: { claimName: instance.names.dataClaim } }
    : { name: "state", emptyDir: {} };
  return [
    { name: "config", configMap: { name: instance.names.configMap } },
    { name: "home", emptyDir: {} },
    state,
    { name: "tmp", emptyDir: {} },
  ];
}

/**
 * Copies the rendered openclaw.json onto the state volume before the app
 * starts. The script is a constant: paths come from the environment, never
 * from string formatting.
 */
function configInitContainer(instance: InstanceModel): Container {
  return {
    name: "init-config",
    image: imageReference(instance.spec.image),
    imagePullPolicy: instance.spec.image.pullPolicy,
    command: ["sh", "-c", 'cp "$CONFIG_SOURCE" "$OPENCLAW_STATE_DIR/openclaw.json.tmp" && mv "$OPENCLAW_STATE_DIR/openclaw.json.tmp" "$OPENCLAW_STATE_DIR/openclaw.json"'],
    env: [
      { name: "CONFIG_SOURCE", value: `${CONFIG_MOUNT_DIR}/${CONFIG_FILE}` },
      { name: "OPENCLAW_STATE_DIR", value: STATE_DIR },
    ],
    securityContext: restrictedContainerSecurityContext(),
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    volumeMounts: [mounts.config, mounts.state],
  };
}

function appContainer(instance: InstanceModel): Container {
  const spec = instance.spec;
  const tcpProbe = { tcpSocket: { port: "gateway" } };
  return {
    name: APP_CONTAINER,
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    ports: [
      { name: "gateway", containerPort: GATEWAY_PORT, protocol: "TCP" },
      { name: "canvas", containerPort: CANVAS_PORT, protocol: "TCP" },
    ],
    env: appEnv(instance),
    envFrom: spec.envFrom.map((source) => ({ ...source })),
    resources: {
      requests: { ...spec.resources.requests },
      limits: { ...spec.resources.limits },
    },
    startupProbe: { ...tcpProbe, periodSeconds: 5, failureThreshold: 60 },
    livenessProbe: { ...tcpProbe, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
    readinessProbe: { ...tcpProbe, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [mounts.home, mounts.state, mounts.tmp],
  };
}

/** A hash of what the pods read at start, so a config change rolls the pod. */
export function configChecksum(instance: InstanceModel): string {
  return createHash("sha256").update(renderOpenclawJson(instance)).digest("hex");
}

export function buildStatefulSet(instance: InstanceModel): k8s.types.input.apps.v1.StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: instanceMetadata(instance, instance.names.statefulSet),
    spec: {
      replicas: instance.spec.replicas,
      serviceName: instance.names.service,
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
          serviceAccountName: instance.names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(),
          terminationGracePeriodSeconds: 60,
          initContainers: [configInitContainer(instance)],
          containers: [appContainer(instance)],
          volumes: volumes(instance),
        },
      },
    },
  };
}
