import type * as k8s from "@pulumi/kubernetes";
import type { EnvValue } from "../../../config/instance/app";
import { imageReference } from "../../../config/instance/image";
import type { InstanceModel } from "../../../config/model";
import { BOOTSTRAP_FILE } from "../assets";
import { gatewayTokenRef } from "../gateway-secret";
import { featureNames } from "../../../config/feature-names";
import {
  CANVAS_PORT,
  CONFIG_MOUNT_DIR,
  GATEWAY_PORT,
  HOME_DIR,
  OLLAMA_PORT,
  RUNTIME_BIN_DIR,
  STATE_DIR,
  TAILSCALE_BIN_DIR,
  TAILSCALE_SOCKET_DIR,
} from "../../../config/ports";
import { configEnv, configMounts } from "./config-wiring";
import { appSecurityContext } from "./security";
import { dataMounts, resources, TMP_MOUNT, withEphemeralRequest } from "./shared";

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

export const APP_CONTAINER = "openclaw";
/**
 * What the app writes outside its volumes (home, /tmp), so the scheduler
 * counts it; each scratch volume is bounded by its own sizeLimit.
 */
export const APP_EPHEMERAL_STORAGE = "1Gi";
export const TAILSCALE_SOCKET = `${TAILSCALE_SOCKET_DIR}/tailscaled.sock`;

/**
 * The app reaches tailscaled only for Tailscale SSO (`tailscale.authSSO`):
 * OpenClaw checks a tailnet identity with `tailscale whois` over the local
 * socket. Otherwise the socket and the CLI stay out of the app container, so
 * the agent cannot drive `tailscale serve` or `funnel`. Even with SSO,
 * tailscaled runs as its own UID (TAILSCALE_UID), and tailscaled gives a
 * client of another non-root UID a read-only LocalAPI: whois and status, but
 * no serve, funnel, up, down or logout.
 */
export function appUsesTailscaleSocket(instance: InstanceModel): boolean {
  return instance.spec.tailscale.enabled && instance.spec.tailscale.authSSO;
}
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A user env value as a Kubernetes EnvVar; stack secrets come from the instance's env Secret. */
export function userEnvVar(instance: InstanceModel, name: string, value: EnvValue): EnvVar {
  if (typeof value === "string") return { name, value };
  if ("secretRef" in value) return { name, valueFrom: { secretKeyRef: { name: featureNames(instance).envSecret, key: name } } };
  return { name, valueFrom: { ...value } };
}

function appEnv(instance: InstanceModel): EnvVar[] {
  const spec = instance.spec;
  const token = gatewayTokenRef(instance);
  const env: EnvVar[] = [
    { name: "HOME", value: HOME_DIR },
    { name: "OPENCLAW_STATE_DIR", value: STATE_DIR },
    // mDNS pairing cannot work in a cluster.
    { name: "OPENCLAW_DISABLE_BONJOUR", value: "1" },
    { name: "OPENCLAW_GATEWAY_TOKEN", valueFrom: { secretKeyRef: { name: token.name, key: token.key } } },
  ];
  const pathPrefixes: string[] = [];
  if (appUsesTailscaleSocket(instance)) {
    env.push({ name: "TS_SOCKET", value: TAILSCALE_SOCKET });
    pathPrefixes.push(TAILSCALE_BIN_DIR);
  }
  if (spec.runtimeDeps.pnpm || spec.runtimeDeps.python) pathPrefixes.push(RUNTIME_BIN_DIR);
  if (spec.runtimeDeps.pnpm) env.push({ name: "COREPACK_HOME", value: `${STATE_DIR}/.local/corepack` });
  if (pathPrefixes.length > 0) env.push({ name: "PATH", value: [...pathPrefixes, SYSTEM_PATH].join(":") });
  if (spec.ollama.enabled) env.push({ name: "OLLAMA_HOST", value: `http://127.0.0.1:${OLLAMA_PORT}` });
  for (const name of Object.keys(spec.env).sort()) {
    const value = spec.env[name];
    if (value !== undefined) env.push(userEnvVar(instance, name, value));
  }
  return env;
}

function probe(settings: {
  enabled: boolean;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}): Probe | undefined {
  if (!settings.enabled) return undefined;
  const { enabled: _enabled, initialDelaySeconds, ...timings } = settings;
  // 0 is Kubernetes' default, and the API server drops it: leave it out so the render matches the live object.
  return { tcpSocket: { port: "gateway" }, ...(initialDelaySeconds > 0 ? { initialDelaySeconds } : {}), ...timings };
}

/**
 * The OpenClaw container. Its postStart hook re-applies the managed config
 * on every container start (init containers only run when the pod is
 * created), so a config the agent broke cannot crashloop the pod.
 */
export function appContainer(instance: InstanceModel): Container {
  const spec = instance.spec;
  const mounts = [{ name: "home", mountPath: HOME_DIR }, ...dataMounts(spec), TMP_MOUNT("tmp"), ...configMounts(instance)];
  if (appUsesTailscaleSocket(instance)) {
    mounts.push(
      { name: "tailscale-socket", mountPath: TAILSCALE_SOCKET_DIR, readOnly: true },
      { name: "tailscale-bin", mountPath: TAILSCALE_BIN_DIR, readOnly: true },
    );
  }
  mounts.push(...spec.extraVolumeMounts.map((m) => ({ ...m })));
  const restoreConfig = [
    "env",
    ...configEnv(instance).map((e) => `${e.name}=${e.value}`),
    "node",
    `${CONFIG_MOUNT_DIR}/${BOOTSTRAP_FILE}`,
    "config",
  ];
  const container: Container = {
    name: APP_CONTAINER,
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    ports: [
      { name: "gateway", containerPort: GATEWAY_PORT, protocol: "TCP" },
      { name: "canvas", containerPort: CANVAS_PORT, protocol: "TCP" },
    ],
    env: appEnv(instance),
    ...(spec.envFrom.length > 0 ? { envFrom: spec.envFrom.map((source) => ({ ...source })) } : {}),
    resources: withEphemeralRequest(resources(spec.resources), APP_EPHEMERAL_STORAGE),
    lifecycle: { postStart: { exec: { command: restoreConfig } } },
    securityContext: appSecurityContext(spec),
    volumeMounts: mounts,
  };
  const startup = probe(spec.probes.startup);
  const liveness = probe(spec.probes.liveness);
  const readiness = probe(spec.probes.readiness);
  if (startup) container.startupProbe = startup;
  if (liveness) container.livenessProbe = liveness;
  if (readiness) container.readinessProbe = readiness;
  return container;
}
