import type { z } from "zod";
import { CANVAS_PORT, CHROMIUM_PORT, GATEWAY_PORT, OLLAMA_PORT, OTLP_HTTP_PORT, WEB_TERMINAL_PORT } from "../../instance/ports";
import { RESERVED_CONTAINERS, RESERVED_ENV, RESERVED_INIT_CONTAINERS, RESERVED_VOLUMES } from "./reserved";

type Issue = { path: (string | number)[]; message: string };

/** The shape the cross-field checks read; kept structural so this file does not import the full schema. */
interface Checked {
  replicas: number;
  env: Record<string, unknown>;
  persistence: { enabled: boolean };
  workspaceVolume: { enabled: boolean };
  networkPolicy: { enabled: boolean; allowedIngressNamespaces: string[]; allowedIngressCIDRs: string[] };
  chromium: { enabled: boolean; image: Pinned };
  tailscale: { enabled: boolean; image: Pinned; authKeySecretRef?: unknown };
  ollama: { enabled: boolean; image: Pinned };
  webTerminal: { enabled: boolean; image: Pinned; credential?: unknown };
  runtimeDeps: { python: boolean; uvImage: Pinned };
  initContainers: ({ name: string; restartPolicy?: string; lifecycle?: unknown } & Probed)[];
  sidecars: ({ name: string; restartPolicy?: string } & Probed)[];
  sidecarVolumes: { name: string }[];
  extraVolumes: { name: string }[];
  extraVolumeMounts: { name: string }[];
  service: { ports?: { port: number }[] };
  ingress: {
    enabled: boolean;
    className?: string;
    hosts: { paths: { port?: number }[] }[];
    security: { forceHTTPS: boolean; enableHSTS: boolean; rateLimiting: { enabled: boolean }; basicAuth: { enabled: boolean } };
  };
  observability: { metrics: { enabled: boolean; port: number; collectorImage: Pinned; serviceMonitor: { enabled: boolean } } };
  availability: { autoScaling: { enabled: boolean } };
}
interface Probed {
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
}
interface Pinned {
  tag?: string;
  digest?: string;
}

/** The Service ports an instance exposes by default; `service.ports` replaces them. */
export function defaultServicePorts(spec: { observability: { metrics: { enabled: boolean; port: number } }; webTerminal: { enabled: boolean } }): number[] {
  const ports = [GATEWAY_PORT, CANVAS_PORT];
  if (spec.observability.metrics.enabled) ports.push(spec.observability.metrics.port);
  if (spec.webTerminal.enabled) ports.push(WEB_TERMINAL_PORT);
  return ports;
}

/** Which ingress controller an IngressClass name stands for; unset means nginx, as with the operator. */
export function ingressFlavor(className: string | undefined): "nginx" | "traefik" | "other" {
  if (className === undefined || className.includes("nginx")) return "nginx";
  if (className.includes("traefik")) return "traefik";
  return "other";
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

/** Checks that span several options. Each issue names the option to change and how. */
export function crossFieldIssues(spec: Checked): Issue[] {
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  for (const name of Object.keys(spec.env)) {
    if (RESERVED_ENV[name] !== undefined) add(["env", name], `is set by the program: ${RESERVED_ENV[name]}`);
  }

  const pinned: [boolean, (string | number)[], Pinned][] = [
    [spec.chromium.enabled, ["chromium", "image"], spec.chromium.image],
    [spec.tailscale.enabled, ["tailscale", "image"], spec.tailscale.image],
    [spec.ollama.enabled, ["ollama", "image"], spec.ollama.image],
    [spec.webTerminal.enabled, ["webTerminal", "image"], spec.webTerminal.image],
    [spec.runtimeDeps.python, ["runtimeDeps", "uvImage"], spec.runtimeDeps.uvImage],
    [spec.observability.metrics.enabled, ["observability", "metrics", "collectorImage"], spec.observability.metrics.collectorImage],
  ];
  for (const [on, path, image] of pinned) {
    if (on && image.tag === undefined && image.digest === undefined) {
      add([...path, "tag"], `no image version: set ${path.join(".")}.tag or .digest (here or in defaults), so that every sidecar upgrade is pinned and shows in a preview`);
    }
  }

  if (spec.tailscale.enabled && spec.tailscale.authKeySecretRef === undefined) {
    add(["tailscale", "authKeySecretRef"], "is required with tailscale.enabled: name a Secret holding an ephemeral, reusable auth key (node state is not persisted, so an interactive login would be lost on every restart)");
  }

  if (spec.webTerminal.enabled && spec.webTerminal.credential === undefined) {
    add(["webTerminal", "credential"], "is required with webTerminal.enabled: a shell into the instance reads every secret it holds; name a Secret with username and password keys (credential.secretRef.name)");
  }

  spec.initContainers.forEach((c, i) => {
    if ((RESERVED_INIT_CONTAINERS as readonly string[]).includes(c.name)) add(["initContainers", i, "name"], `"${c.name}" is reserved for the program's own init containers (${RESERVED_INIT_CONTAINERS.join(", ")}); pick another name`);
  });
  spec.sidecars.forEach((c, i) => {
    if ((RESERVED_CONTAINERS as readonly string[]).includes(c.name)) add(["sidecars", i, "name"], `"${c.name}" is reserved for the program's own containers (${RESERVED_CONTAINERS.join(", ")}); pick another name`);
  });
  spec.initContainers.forEach((c, i) => {
    if (c.restartPolicy === "Always") return;
    for (const key of ["livenessProbe", "readinessProbe", "startupProbe", "lifecycle"] as const) {
      if (c[key] !== undefined) add(["initContainers", i, key], "is only allowed on an init container with restartPolicy: Always (a native sidecar); Kubernetes refuses it on one that runs to completion");
    }
  });
  spec.sidecars.forEach((c, i) => {
    if (c.restartPolicy !== undefined) add(["sidecars", i, "restartPolicy"], "is only allowed on init containers (Kubernetes refuses it on a regular container): remove it, or move the container to initContainers to make it a native sidecar");
  });
  for (const name of duplicates([...spec.initContainers, ...spec.sidecars].map((c) => c.name))) add(["sidecars"], `the container name "${name}" is used twice; container names must be unique in the pod`);

  const userVolumes = [...spec.sidecarVolumes.map((v, i) => ({ key: "sidecarVolumes", i, name: v.name })), ...spec.extraVolumes.map((v, i) => ({ key: "extraVolumes", i, name: v.name }))];
  for (const v of userVolumes) {
    if ((RESERVED_VOLUMES as readonly string[]).includes(v.name)) add([v.key, v.i, "name"], `"${v.name}" is reserved for the program's own volumes; pick another name`);
  }
  for (const name of duplicates(userVolumes.map((v) => v.name))) add(["extraVolumes"], `the volume name "${name}" is used twice across sidecarVolumes and extraVolumes`);
  const extraNames = new Set(spec.extraVolumes.map((v) => v.name));
  spec.extraVolumeMounts.forEach((m, i) => {
    if (!extraNames.has(m.name)) add(["extraVolumeMounts", i, "name"], `"${m.name}" is not a volume in extraVolumes; add it there first`);
  });

  if (spec.availability.autoScaling.enabled) {
    if (spec.persistence.enabled || spec.workspaceVolume.enabled) {
      add(["availability", "autoScaling", "enabled"], "needs persistence.enabled: false and workspaceVolume.enabled: false: OpenClaw's state (SQLite, sessions) is single-writer, so replicas must not share a volume");
    }
    if (spec.replicas === 0) add(["availability", "autoScaling", "enabled"], "cannot scale a stopped instance (replicas: 0); turn autoscaling off to stop it");
  }

  const programPorts: Record<number, string> = {
    [GATEWAY_PORT]: "the gateway port",
    [CANVAS_PORT]: "the canvas port",
    [WEB_TERMINAL_PORT]: "the web terminal's port",
    [CHROMIUM_PORT]: "Chromium's port",
    [OLLAMA_PORT]: "Ollama's port",
    [OTLP_HTTP_PORT]: "the collector's OTLP port",
  };
  const metricsPort = spec.observability.metrics.port;
  if (spec.observability.metrics.enabled && programPorts[metricsPort] !== undefined) {
    add(["observability", "metrics", "port"], `${metricsPort} is ${programPorts[metricsPort]}; two listeners cannot share a port in one pod: pick another port for metrics (the default is 9090)`);
  }

  for (const key of ["initContainers", "sidecars"] as const) {
    spec[key].forEach((c, i) => {
      for (const probeKey of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        const probe = c[probeKey] as Record<string, { port?: number | string } | undefined> | undefined;
        if (probe === undefined) continue;
        for (const action of ["httpGet", "tcpSocket", "grpc"]) {
          const port = probe[action]?.port;
          if (port === undefined) continue;
          const declared = (c.ports ?? []).some((p) => p.containerPort === port || (p.name !== undefined && p.name === port));
          if (!declared) {
            const have = (c.ports ?? []).map((p) => (p.name !== undefined ? `${p.name}=${p.containerPort}` : String(p.containerPort))).join(", ") || "none";
            add([key, i, probeKey, action, "port"], `${JSON.stringify(port)} is not a port container "${c.name}" declares (ports: ${have}); the probe would fail and restart it forever: declare the port in its ports, or probe the one it listens on`);
          }
        }
      }
    });
  }

  if (spec.observability.metrics.serviceMonitor.enabled && !spec.observability.metrics.enabled) {
    add(["observability", "metrics", "serviceMonitor", "enabled"], "needs observability.metrics.enabled: true (nothing to scrape otherwise)");
  }

  const ingress = spec.ingress;
  if (ingress.enabled) {
    if (ingress.hosts.length === 0) add(["ingress", "hosts"], "list at least one host when ingress.enabled is true");
    const sec = ingress.security;
    if (ingressFlavor(ingress.className) === "other" && (sec.forceHTTPS || sec.enableHSTS || sec.rateLimiting.enabled || sec.basicAuth.enabled)) {
      add(["ingress", "className"], `"${ingress.className}" is neither nginx nor traefik, so forceHTTPS, HSTS, rate limiting and basic auth cannot be applied: configure them on your controller and set the ingress.security options to false`);
    }
    const servicePorts = spec.service.ports?.map((p) => p.port) ?? defaultServicePorts(spec);
    ingress.hosts.forEach((h, i) =>
      h.paths.forEach((p, j) => {
        const target = p.port ?? GATEWAY_PORT;
        if (!servicePorts.includes(target)) add(["ingress", "hosts", i, "paths", j, "port"], `${target} is not a port of the instance's Service (${servicePorts.join(", ")})`);
      }),
    );
    const np = spec.networkPolicy;
    if (np.enabled && np.allowedIngressNamespaces.length === 0 && np.allowedIngressCIDRs.length === 0) {
      add(["networkPolicy", "allowedIngressNamespaces"], "admits no namespace or CIDR, so the ingress controller cannot reach the instance: add its namespace here (e.g. ingress-nginx), or its CIDRs to networkPolicy.allowedIngressCIDRs");
    }
  }
  return issues;
}

export function addCrossFieldIssues(spec: Checked, ctx: z.RefinementCtx): void {
  for (const issue of crossFieldIssues(spec)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}
