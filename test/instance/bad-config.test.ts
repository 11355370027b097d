import { strict as assert } from "node:assert";
import { assertProblem, PINNED, problemsOf } from "./support";

/** [what, instance config, path below the instance, message fragment] */
const CASES: [string, Record<string, unknown>, string, string][] = [
  ["sidecar image pinned", { chromium: { enabled: true } }, "chromium.image.tag", "no image version"],
  ["sidecar image not latest", { ollama: { enabled: true, image: { tag: "latest" } } }, "ollama.image.tag", "not a pinned version"],
  ["config raw and configMapRef", { config: { raw: {}, configMapRef: { name: "c" } } }, "config.configMapRef", "not both"],
  ["json5 needs configMapRef", { config: { raw: {}, format: "json5" } }, "config.format", "json5 needs config.configMapRef"],
  [
    "too many workspace files",
    { workspace: { initialFiles: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}.md`, "x"])) } },
    "workspace.initialFiles",
    "at most 50",
  ],
  [
    "too many directories",
    { workspace: { initialDirectories: Array.from({ length: 21 }, (_, i) => `d${i}`) } },
    "workspace.initialDirectories",
    "at most 20",
  ],
  [
    "workspace path escapes",
    { workspace: { initialFiles: { "../etc/passwd": "x" } } },
    "workspace.initialFiles.../etc/passwd",
    "not a relative path",
  ],
  [
    "workspace too large",
    { workspace: { initialFiles: { "big.md": "x".repeat(1024 * 1024) } } },
    "workspace.initialFiles",
    "more than a ConfigMap can hold",
  ],
  ["too many skills", { skills: Array.from({ length: 21 }, (_, i) => `skill-${i}`) }, "skills", "at most 20"],
  ["bad skill id", { skills: ["rm -rf /"] }, "skills[0]", "is not a skill"],
  ["UID 0", { podSecurityContext: { runAsUser: 0 } }, "podSecurityContext.runAsUser", "UID 0 (root) is rejected"],
  ["runAsNonRoot false", { podSecurityContext: { runAsNonRoot: false } }, "podSecurityContext.runAsNonRoot", "must be true"],
  [
    "privilege escalation",
    { containerSecurityContext: { allowPrivilegeEscalation: true } },
    "containerSecurityContext.allowPrivilegeEscalation",
    "must be false",
  ],
  [
    "capability",
    { containerSecurityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
    "containerSecurityContext.capabilities.add[0]",
    "only NET_BIND_SERVICE",
  ],
  [
    "sidecar as root",
    { sidecars: [{ name: "x", image: "a:1", securityContext: { runAsUser: 0 } }] },
    "sidecars[0].securityContext.runAsUser",
    "UID 0 (root) is rejected",
  ],
  [
    "privileged init",
    { initContainers: [{ name: "x", image: "a:1", securityContext: { privileged: true } }] },
    "initContainers[0].securityContext.privileged",
    "must be false",
  ],
  [
    "host port",
    { sidecars: [{ name: "x", image: "a:1", ports: [{ containerPort: 80, hostPort: 80 }] }] },
    "sidecars[0].ports[0].hostPort",
    "host ports are not allowed",
  ],
  [
    "hostPath volume",
    { extraVolumes: [{ name: "h", hostPath: { path: "/" } }] },
    "extraVolumes[0].hostPath",
    "hostPath volumes are not allowed",
  ],
  [
    "nfs volume",
    { sidecarVolumes: [{ name: "n", nfs: { server: "s", path: "/" } }] },
    "sidecarVolumes[0].nfs",
    "nfs volumes are not allowed",
  ],
  [
    "two volume sources",
    { extraVolumes: [{ name: "v", emptyDir: {}, configMap: { name: "c" } }] },
    "extraVolumes[0]",
    "exactly one volume source",
  ],
  ["reserved init container", { initContainers: [{ name: "init-config", image: "a:1" }] }, "initContainers[0].name", "is reserved"],
  ["reserved sidecar", { sidecars: [{ name: "chromium", image: "a:1" }] }, "sidecars[0].name", "is reserved"],
  [
    "too many init containers",
    { initContainers: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: "a:1" })) },
    "initContainers",
    "at most 10",
  ],
  [
    "too many extra volumes",
    { extraVolumes: Array.from({ length: 11 }, (_, i) => ({ name: `v${i}`, emptyDir: {} })) },
    "extraVolumes",
    "at most 10",
  ],
  [
    "mount of an unknown volume",
    { extraVolumeMounts: [{ name: "nope", mountPath: "/x" }] },
    "extraVolumeMounts[0].name",
    "is not a volume in extraVolumes",
  ],
  ["reserved volume", { extraVolumes: [{ name: "state", emptyDir: {} }] }, "extraVolumes[0].name", "is reserved"],
  [
    "too many ollama models",
    { ollama: { enabled: true, image: PINNED, models: Array.from({ length: 11 }, (_, i) => `m${i}`) } },
    "ollama.models",
    "at most 10",
  ],
  ["tailscale without auth key", { tailscale: { enabled: true, image: PINNED } }, "tailscale.authKeySecretRef", "is required"],
  ["web terminal without credential", { webTerminal: { enabled: true, image: PINNED } }, "webTerminal.credential", "is required"],
  ["reserved env", { env: { OPENCLAW_GATEWAY_TOKEN: "x" } }, "env.OPENCLAW_GATEWAY_TOKEN", "use gateway.existingSecret"],
  ["both CA sources", { caBundle: { configMapName: "a", secretName: "b" } }, "caBundle", "exactly one of"],
  [
    "wildcard RBAC verb",
    { rbac: { additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }] } },
    "rbac.additionalRules[0].verbs[0]",
    "grant itself more rights",
  ],
  ["existing SA without name", { rbac: { createServiceAccount: false } }, "rbac.serviceAccountName", "is required"],
  ["HPA with a volume", { availability: { autoScaling: { enabled: true } } }, "availability.autoScaling.enabled", "single-writer"],
  [
    "HPA min over max",
    { persistence: { enabled: false }, availability: { autoScaling: { enabled: true, minReplicas: 4, maxReplicas: 2 } } },
    "availability.autoScaling.maxReplicas",
    "at least minReplicas",
  ],
  [
    "ingress without hosts",
    { networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] }, ingress: { enabled: true } },
    "ingress.hosts",
    "at least one host",
  ],
  [
    "ingress blocked by the NetworkPolicy",
    { ingress: { enabled: true, hosts: [{ host: "a.example.com" }] } },
    "networkPolicy.allowedIngressNamespaces",
    "ingress controller cannot reach",
  ],
  [
    "unknown ingress class with security",
    {
      networkPolicy: { allowedIngressNamespaces: ["x"] },
      ingress: { enabled: true, className: "alb", hosts: [{ host: "a.example.com" }] },
    },
    "ingress.className",
    "neither nginx nor traefik",
  ],
  [
    "ingress to a port the Service lacks",
    {
      networkPolicy: { allowedIngressNamespaces: ["x"] },
      ingress: { enabled: true, hosts: [{ host: "a.example.com", paths: [{ port: 1234 }] }] },
    },
    "ingress.hosts[0].paths[0].port",
    "not a port of the instance's Service",
  ],
  [
    "ServiceMonitor without metrics",
    { observability: { metrics: { serviceMonitor: { enabled: true } } } },
    "observability.metrics.serviceMonitor.enabled",
    "needs observability.metrics.enabled",
  ],
  [
    "storageClass with existingClaim",
    { persistence: { existingClaim: "c", storageClass: "gp3" } },
    "persistence.storageClass",
    "has no effect with existingClaim",
  ],
  ["misspelt option", { chromum: { enabled: true } }, "chromum", 'did you mean "chromium"'],
];

describe("instance: bad config is refused with the full path and the fix", () => {
  for (const [what, instance, path, fragment] of CASES) {
    it(what, () => assertProblem(problemsOf(instance), path, fragment));
  }

  it("accepts the smallest instance", () => assert.deepEqual(problemsOf({}), []));
});
