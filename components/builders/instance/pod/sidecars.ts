import type * as k8s from "@pulumi/kubernetes";
import { imageReference } from "../../../config/instance/image";
import type { InstanceModel } from "../../../config/model";
import { OTEL_COLLECTOR_FILE, TAILSCALE_SERVE_FILE } from "../config-map";
import { CHROMIUM_PORT, CONFIG_MOUNT_DIR, OLLAMA_PORT, TAILSCALE_SOCKET_DIR, WEB_TERMINAL_PORT } from "../../../config/ports";
import { TAILSCALE_SOCKET } from "./app-container";
import { OLLAMA_ENV, OLLAMA_MOUNTS } from "./ollama";
import { userContainer } from "./user-containers";
import { helperSecurityContext } from "./security";
import { dataMounts, resources, TMP_MOUNT } from "./shared";
import { TAILSCALE_UID } from "../../../config/ports";

type Container = k8s.types.input.core.v1.Container;

/** browserless' own user. */
export const CHROMIUM_UID = 999;
export { TAILSCALE_UID };

const TTYD_SCRIPT = `set -eu
set -- -p "$TTYD_PORT"
if [ "$TTYD_WRITABLE" = "true" ]; then set -- "$@" -W; fi
if [ -n "\${TTYD_USERNAME:-}" ]; then set -- "$@" -c "$TTYD_USERNAME:$TTYD_PASSWORD"; fi
exec ttyd "$@" sh`;

function chromium(instance: InstanceModel): Container {
  const spec = instance.spec;
  const c = spec.chromium;
  return {
    name: "chromium",
    image: imageReference(c.image),
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "cdp", containerPort: CHROMIUM_PORT, protocol: "TCP" }],
    env: [{ name: "PORT", value: String(CHROMIUM_PORT) }, ...c.extraEnv.map((e) => ({ ...e }))],
    ...(c.extraArgs.length > 0 ? { args: [...c.extraArgs] } : {}),
    resources: resources(c.resources),
    // The app's first browser call must not race browserless' start.
    startupProbe: {
      httpGet: { path: "/json/version", port: CHROMIUM_PORT },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 15,
    },
    // Chromium writes profiles, caches and crash dumps outside the mounted volumes.
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: false, runAsUser: CHROMIUM_UID }),
    volumeMounts: [TMP_MOUNT("chromium-tmp"), { name: "chromium-shm", mountPath: "/dev/shm" }],
  };
}

function tailscale(instance: InstanceModel): Container {
  const spec = instance.spec;
  const ts = spec.tailscale;
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: "TS_USERSPACE", value: "true" },
    { name: "TS_STATE_DIR", value: "/tmp/tailscale" },
    { name: "TS_SOCKET", value: TAILSCALE_SOCKET },
    { name: "TS_SERVE_CONFIG", value: `${CONFIG_MOUNT_DIR}/${TAILSCALE_SERVE_FILE}` },
    { name: "TS_HOSTNAME", value: ts.hostname ?? instance.name },
    // containerboot must not try to keep state in a Kubernetes Secret: the pod has no API token.
    { name: "TS_KUBE_SECRET", value: "" },
    { name: "KUBERNETES_SERVICE_HOST", value: "" },
  ];
  if (ts.authKeySecretRef !== undefined)
    env.push({ name: "TS_AUTHKEY", valueFrom: { secretKeyRef: { name: ts.authKeySecretRef.name, key: ts.authKeySecretKey } } });
  return {
    name: "tailscale",
    image: imageReference(ts.image),
    imagePullPolicy: "IfNotPresent",
    env,
    resources: resources(ts.resources),
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true, runAsUser: TAILSCALE_UID }),
    volumeMounts: [
      { name: "tailscale-socket", mountPath: TAILSCALE_SOCKET_DIR },
      { name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true },
      TMP_MOUNT("tailscale-tmp"),
    ],
  };
}

function ollama(instance: InstanceModel): Container {
  const o = instance.spec.ollama;
  const r = resources(o.resources) as { requests: Record<string, string>; limits: Record<string, string> };
  if (o.gpu !== undefined && o.gpu > 0) {
    r.requests["nvidia.com/gpu"] = String(o.gpu);
    r.limits["nvidia.com/gpu"] = String(o.gpu);
  }
  return {
    name: "ollama",
    image: imageReference(o.image),
    imagePullPolicy: "IfNotPresent",
    args: ["serve"],
    ports: [{ name: "ollama", containerPort: OLLAMA_PORT, protocol: "TCP" }],
    env: [...OLLAMA_ENV],
    resources: r,
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    volumeMounts: [...OLLAMA_MOUNTS],
  };
}

function webTerminal(instance: InstanceModel): Container {
  const spec = instance.spec;
  const wt = spec.webTerminal;
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: "HOME", value: "/tmp" },
    { name: "TTYD_PORT", value: String(WEB_TERMINAL_PORT) },
    // ttyd >= 1.7 is read-only unless started with -W.
    { name: "TTYD_WRITABLE", value: String(!wt.readOnly) },
  ];
  if (wt.credential !== undefined) {
    const name = wt.credential.secretRef.name;
    env.push(
      { name: "TTYD_USERNAME", valueFrom: { secretKeyRef: { name, key: "username" } } },
      { name: "TTYD_PASSWORD", valueFrom: { secretKeyRef: { name, key: "password" } } },
    );
  }
  return {
    name: "web-terminal",
    image: imageReference(wt.image),
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", TTYD_SCRIPT],
    ports: [{ name: "web-terminal", containerPort: WEB_TERMINAL_PORT, protocol: "TCP" }],
    env,
    resources: resources(wt.resources),
    // Same UID as the app, so that the shell sees the app's files; ttyd writes outside /tmp.
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: false }),
    volumeMounts: [...dataMounts(spec, wt.readOnly), TMP_MOUNT("web-terminal-tmp")],
  };
}

function metricsCollector(instance: InstanceModel): Container {
  const metrics = instance.spec.observability.metrics;
  return {
    name: "metrics-collector",
    image: imageReference(metrics.collectorImage),
    imagePullPolicy: "IfNotPresent",
    args: [`--config=${CONFIG_MOUNT_DIR}/${OTEL_COLLECTOR_FILE}`],
    ports: [{ name: "metrics", containerPort: metrics.port, protocol: "TCP" }],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    volumeMounts: [{ name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true }, TMP_MOUNT("metrics-tmp")],
  };
}

/** The enabled sidecars, then the user's. */
export function sidecarContainers(instance: InstanceModel): Container[] {
  const spec = instance.spec;
  const out: Container[] = [];
  if (spec.tailscale.enabled) out.push(tailscale(instance));
  if (spec.chromium.enabled) out.push(chromium(instance));
  if (spec.ollama.enabled) out.push(ollama(instance));
  if (spec.webTerminal.enabled) out.push(webTerminal(instance));
  if (spec.observability.metrics.enabled) out.push(metricsCollector(instance));
  out.push(...spec.sidecars.map((c) => userContainer(c)));
  return out;
}
