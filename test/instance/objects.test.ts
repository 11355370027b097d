import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { htpasswdLine } from "../../components/builders/instance/basic-auth";
import { STATE_DIR, STATE_FOLDER, WORKSPACE_DIR } from "../../components/config/ports";
import { backupSources } from "../../components/builders/kube/volumes";
import { loadFleetConfig } from "../../components/validation/load";
import { SecretValue } from "../../scripts/lib/mock-runtime";
import { findRegistration, minimalStack } from "../support/stacks";
import { at, list, PINNED, renderInstance } from "./support";

const INGRESS = {
  enabled: true,
  hosts: [{ host: "bot.example.com" }],
  tls: [{ hosts: ["bot.example.com"], secretName: "bot-tls" }],
};
const FROM_INGRESS_CONTROLLER = { allowedIngressNamespaces: ["ingress-nginx"] };
/** The API server's endpoint, which an instance with API rights must be allowed to reach. */
const API_SERVER = { cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: ["10.0.0.10/32"] } } };

describe("instance objects: networking", () => {
  it("service: type, annotations and the default ports; custom ports replace them", async () => {
    const r = await renderInstance({
      service: { type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } },
    });
    const svc = r.one("Service", "bot");
    assert.equal(at(svc, "spec.type"), "LoadBalancer");
    assert.equal(at(svc, "metadata.annotations.service\\.beta"), undefined);
    assert.deepEqual((svc.metadata as Record<string, unknown>).annotations, { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" });
    assert.deepEqual(
      list(svc, "spec.ports").map((p) => p.port),
      [18789, 18793],
    );
    const custom = await renderInstance({ service: { ports: [{ name: "http", port: 3978 }] }, networkPolicy: FROM_INGRESS_CONTROLLER });
    assert.deepEqual(list(custom.one("Service", "bot"), "spec.ports"), [{ name: "http", port: 3978, targetPort: 3978, protocol: "TCP" }]);
    assert.deepEqual(list(custom.one("NetworkPolicy"), "spec.ingress.0.ports"), [{ protocol: "TCP", port: 3978 }]);
  });

  it("networkPolicy: ingress from configured peers only, egress DNS, HTTPS and extra rules; off when disabled", async () => {
    const r = await renderInstance({
      networkPolicy: {
        allowedIngressNamespaces: ["monitoring"],
        allowedIngressCIDRs: ["10.0.0.0/8"],
        allowedEgressCIDRs: ["1.2.3.0/24"],
        additionalEgress: [{ namespaces: ["db"], ports: [{ port: 5432 }] }],
      },
    });
    const np = r.one("NetworkPolicy");
    assert.equal(list(np, "spec.ingress.0.from").length, 2, "the configured namespace and CIDR, not the tenant's other pods");
    const egress = list(np, "spec.egress");
    assert.deepEqual(at(egress[1], "to"), [{ ipBlock: { cidr: "1.2.3.0/24" } }]);
    assert.deepEqual(at(egress[2], "ports"), [{ protocol: "TCP", port: 5432 }]);
    const off = await renderInstance(
      { networkPolicy: { enabled: false } },
      { platform: { tenants: { acme: { allowNetworkPolicyOff: true } } } },
    );
    assert.equal(off.all("NetworkPolicy").length, 0);
  });

  it("ingress (nginx): rules, TLS, HTTPS redirect, rate limit, WebSocket timeouts and a generated basic-auth Secret", async () => {
    const r = await renderInstance({
      networkPolicy: FROM_INGRESS_CONTROLLER,
      ingress: {
        ...INGRESS,
        className: "nginx",
        annotations: { "nginx.ingress.kubernetes.io/limit-rps": "50" },
        security: { basicAuth: { enabled: true, username: "team" } },
      },
    });
    const ing = r.one("Ingress");
    const annotations = at(ing, "metadata.annotations") as Record<string, string>;
    assert.equal(annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"], "true");
    assert.equal(annotations["nginx.ingress.kubernetes.io/limit-rps"], "50", "user annotations win");
    assert.equal(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], "3600");
    assert.equal(annotations["nginx.ingress.kubernetes.io/auth-secret"], "bot-basic-auth");
    assert.equal(annotations["nginx.ingress.kubernetes.io/auth-realm"], "OpenClaw");
    assert.deepEqual(at(ing, "spec.rules.0.http.paths.0"), {
      path: "/",
      pathType: "Prefix",
      backend: { service: { name: "bot", port: { number: 18789 } } },
    });
    assert.deepEqual(at(ing, "spec.tls"), INGRESS.tls);
    // The generated Secret: every value derived from the password is a Pulumi secret, and the hash matches it.
    const secret = findRegistration(r.registrations, "kubernetes:core/v1:Secret", "acme/bot-basic-auth");
    const stringData = secret.inputs.stringData as Record<string, unknown> | SecretValue;
    const data = (stringData instanceof SecretValue ? stringData.value : stringData) as Record<string, unknown>;
    for (const key of ["auth", "users", "password"])
      assert.ok(stringData instanceof SecretValue || data[key] instanceof SecretValue, `${key} is not secret`);
    const reveal = (v: unknown) => (v instanceof SecretValue ? v.value : v);
    const password = String(reveal(data.password));
    assert.equal(reveal(data.auth), `team:{SHA}${createHash("sha1").update(password).digest("base64")}`);
    const generated = findRegistration(r.registrations, "pulumi-nodejs:dynamic/instance:GeneratedSecret", "acme/bot-basic-auth");
    assert.equal(generated.inputs.length, 40);
  });

  it("ingress (traefik): Middlewares for redirect, HSTS, rate limit and basic auth, referenced by the router", async () => {
    const r = await renderInstance({
      networkPolicy: { allowedIngressNamespaces: ["traefik"] },
      ingress: {
        ...INGRESS,
        className: "traefik",
        security: { basicAuth: { enabled: true, existingSecret: "team-htpasswd" }, rateLimiting: { requestsPerSecond: 5 } },
      },
    });
    assert.equal(r.all("Middleware").length, 4);
    assert.deepEqual(at(r.one("Middleware", "bot-https-redirect"), "spec"), { redirectScheme: { scheme: "https", permanent: true } });
    assert.equal(at(r.one("Middleware", "bot-headers"), "spec.headers.stsSeconds"), 31536000);
    assert.deepEqual(at(r.one("Middleware", "bot-rate-limit"), "spec.rateLimit"), { average: 5, period: "1s", burst: 10 });
    assert.deepEqual(at(r.one("Middleware", "bot-basic-auth"), "spec.basicAuth"), { secret: "team-htpasswd", realm: "OpenClaw" });
    // The router applies them in this order: redirect first, authentication last.
    const annotations = at(r.one("Ingress"), "metadata.annotations") as Record<string, string>;
    assert.deepEqual(
      annotations["traefik.ingress.kubernetes.io/router.middlewares"]?.split(","),
      ["bot-https-redirect", "bot-headers", "bot-rate-limit", "bot-basic-auth"].map((n) => `openclaw-acme-${n}@kubernetescrd`),
    );
    assert.ok(
      !r.registrations.some((x) => x.type === "pulumi-nodejs:dynamic/instance:GeneratedSecret" && x.name.endsWith("basic-auth")),
      "existingSecret: nothing generated",
    );
  });

  it("htpasswd uses the {SHA} scheme", () => {
    // Reference value: `htpasswd -nbs openclaw password`.
    assert.equal(htpasswdLine("openclaw", "password"), "openclaw:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=");
  });
});

describe("instance objects: identity", () => {
  it("rbac: annotations on the created ServiceAccount, extra rules (with a token mounted), or an existing ServiceAccount", async () => {
    const r = await renderInstance(
      {
        rbac: {
          serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/bot" },
          additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
        },
        networkPolicy: { allowAPIServer: true },
      },
      API_SERVER,
    );
    assert.deepEqual(at(r.one("ServiceAccount"), "metadata.annotations"), { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/bot" });
    assert.deepEqual(list(r.one("Role"), "rules").at(-1), { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] });
    assert.equal(r.pod.automountServiceAccountToken, true);
    const existing = await renderInstance({ rbac: { createServiceAccount: false, serviceAccountName: "shared" } });
    assert.equal(existing.all("ServiceAccount").length, 0);
    assert.equal(existing.pod.serviceAccountName, "shared");
    assert.equal(existing.pod.automountServiceAccountToken, false);
    assert.equal(existing.all("Role").length + existing.all("RoleBinding").length, 0, "no token, so no Role");
    const bound = await renderInstance(
      {
        rbac: {
          createServiceAccount: false,
          serviceAccountName: "shared",
          additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        },
        networkPolicy: { allowAPIServer: true },
      },
      API_SERVER,
    );
    assert.equal(at(bound.one("RoleBinding"), "subjects.0.name"), "shared");
  });

  it("gateway.existingSecret: no token is generated and the app reads the given Secret", async () => {
    const r = await renderInstance({ gateway: { existingSecret: { name: "my-token" } } });
    assert.ok(!r.registrations.some((x) => x.name === "acme/bot-gateway-token"));
    const env = list(r.container("openclaw"), "env").find((e) => e.name === "OPENCLAW_GATEWAY_TOKEN");
    assert.deepEqual(at(env, "valueFrom.secretKeyRef"), { name: "my-token", key: "token" });
  });
});

describe("instance objects: storage", () => {
  it("persistence: class, size, access modes; kept on removal (orphan) behind a ClaimGuard", async () => {
    const r = await renderInstance({ persistence: { storageClass: "gp3", size: "20Gi", accessModes: ["ReadWriteOncePod"] } });
    assert.deepEqual(at(r.one("PersistentVolumeClaim", "bot-data"), "spec"), {
      accessModes: ["ReadWriteOncePod"],
      storageClassName: "gp3",
      resources: { requests: { storage: "20Gi" } },
    });
    const guard = findRegistration(r.registrations, "pulumi-nodejs:dynamic/instance:ClaimGuard", "acme/bot-data-guard");
    assert.equal(guard.inputs.storageClass, "gp3");
    assert.equal(guard.inputs.configPath, "tenants.acme.instances.bot.persistence");
    assert.deepEqual(guard.inputs.accessModes, ["ReadWriteOncePod"]);
  });

  it("existingClaim: no PVC, no guard, the pod and the backups use the given claim", async () => {
    const r = await renderInstance({ persistence: { existingClaim: "legacy-data" } });
    assert.equal(r.all("PersistentVolumeClaim").length, 0);
    assert.ok(!r.registrations.some((x) => x.type.includes("ClaimGuard")));
    assert.deepEqual(
      list(r.pod, "volumes").find((v) => v.name === "state"),
      { name: "state", persistentVolumeClaim: { claimName: "legacy-data" } },
    );
  });

  it("workspaceVolume: a second PVC mounted at the workspace, and both volumes are backup sources", async () => {
    const stack = minimalStack({ workspaceVolume: { enabled: true, size: "2Gi", storageClass: "gp3" } });
    const r = await renderInstance({ workspaceVolume: { enabled: true, size: "2Gi", storageClass: "gp3" } });
    assert.equal(at(r.one("PersistentVolumeClaim", "bot-workspace"), "spec.resources.requests.storage"), "2Gi");
    const app = r.container("openclaw");
    assert.ok(list(app, "volumeMounts").some((m) => m.name === "workspace" && m.mountPath === WORKSPACE_DIR));
    assert.ok(list(r.initContainer("init-config"), "volumeMounts").some((m) => m.name === "workspace"));
    const model = loadFleetConfig(stack).tenants[0]?.instances[0];
    assert.ok(model, "the stack has an instance");
    assert.deepEqual(backupSources(model), [
      { name: "state", claimName: "bot-data", mountPath: STATE_DIR, folder: STATE_FOLDER },
      { name: "workspace", claimName: "bot-workspace", mountPath: WORKSPACE_DIR },
    ]);
  });
});

describe("instance objects: availability and observability", () => {
  it("creates a PodDisruptionBudget only where it protects pods (autoscaled, minReplicas above maxUnavailable), and an HPA for a stateless instance", async () => {
    const r = await renderInstance({});
    assert.equal(r.all("PodDisruptionBudget").length, 0, "one replica with maxUnavailable 1: a PDB would protect nothing");
    assert.equal(r.all("HorizontalPodAutoscaler").length, 0);
    const protectedPods = await renderInstance({
      persistence: { enabled: false },
      availability: { autoScaling: { enabled: true, minReplicas: 2, maxReplicas: 4 } },
    });
    assert.deepEqual(at(protectedPods.one("PodDisruptionBudget"), "spec.maxUnavailable"), 1);
    const blocking = await renderInstance({
      persistence: { enabled: false },
      availability: { podDisruptionBudget: { maxUnavailable: 0 }, autoScaling: { enabled: true, minReplicas: 2 } },
    });
    assert.equal(blocking.all("PodDisruptionBudget").length, 0, "maxUnavailable 0 would block every node drain");
    const scaled = await renderInstance({
      persistence: { enabled: false },
      availability: {
        podDisruptionBudget: { enabled: false },
        autoScaling: { enabled: true, maxReplicas: 3, targetMemoryUtilization: 70 },
      },
    });
    assert.equal(scaled.all("PodDisruptionBudget").length, 0);
    const hpa = scaled.one("HorizontalPodAutoscaler");
    assert.deepEqual(at(hpa, "spec.scaleTargetRef"), { apiVersion: "apps/v1", kind: "StatefulSet", name: "bot" });
    assert.equal(at(hpa, "spec.maxReplicas"), 3);
    assert.equal(list(hpa, "spec.metrics").length, 2);
    assert.equal(at(scaled.one("StatefulSet"), "spec.replicas"), undefined, "the HPA owns the replica count");
  });

  it("creates no monitoring objects by default", async () => {
    const r = await renderInstance({});
    for (const kind of ["ServiceMonitor", "PrometheusRule"]) assert.equal(r.all(kind).length, 0);
    assert.ok(!r.all("ConfigMap").some((c) => at(c, "metadata.labels.grafana_dashboard") !== undefined));
  });

  it("metrics: a collector sidecar and port, a ServiceMonitor, a PrometheusRule and a Grafana dashboard when enabled", async () => {
    const r = await renderInstance({
      networkPolicy: { allowedIngressNamespaces: ["monitoring"] },
      observability: {
        metrics: {
          enabled: true,
          collectorImage: PINNED,
          serviceMonitor: { enabled: true, interval: "15s", labels: { release: "prometheus" } },
        },
        prometheusRule: { enabled: true, labels: { release: "prometheus" }, runbookBaseURL: "https://runbooks.example.com/openclaw/" },
        grafanaDashboard: { enabled: true, labels: { team: "ai" }, folder: "Assistants" },
        logging: { level: "debug", format: "text" },
      },
    });
    assert.deepEqual(r.container("metrics-collector").ports, [{ name: "metrics", containerPort: 9090, protocol: "TCP" }]);
    assert.deepEqual(list(r.one("Service", "bot-metrics"), "spec.ports"), [
      { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
    ]);
    assert.equal(at(r.one("Service", "bot-metrics"), "spec.type"), "ClusterIP");
    assert.ok(!list(r.one("Service", "bot"), "spec.ports").some((p) => p.port === 9090), "metrics never on the client Service");
    assert.deepEqual(list(r.one("NetworkPolicy"), "spec.ingress.1.ports"), [{ protocol: "TCP", port: 9090 }]);
    const sm = r.one("ServiceMonitor");
    assert.equal((at(sm, "spec.selector.matchLabels") as Record<string, string>)["app.kubernetes.io/component"], "metrics");
    assert.equal(at(sm, "metadata.labels.release"), "prometheus");
    assert.deepEqual(at(sm, "spec.endpoints"), [{ port: "metrics", interval: "15s", path: "/metrics" }]);
    const rules = list(r.one("PrometheusRule"), "spec.groups.0.rules");
    assert.ok(rules.length >= 4);
    for (const rule of rules)
      assert.ok(String(at(rule, "annotations.runbook_url")).startsWith("https://runbooks.example.com/openclaw/openclaw"));
    const dashboard = r.one("ConfigMap", "bot-dashboard");
    assert.equal(at(dashboard, "metadata.labels.grafana_dashboard"), "1");
    assert.equal(at(dashboard, "metadata.labels.team"), "ai");
    assert.equal(at(dashboard, "metadata.annotations.grafana_folder"), "Assistants");
    const [dashboardJson] = Object.values(dashboard.data as Record<string, string>);
    assert.ok(dashboardJson !== undefined, "the dashboard ConfigMap has a file");
    JSON.parse(dashboardJson);
    const text = (r.one("ConfigMap", "bot-config").data as Record<string, string>)["openclaw.json"];
    assert.ok(text !== undefined, "the ConfigMap has openclaw.json");
    const json: unknown = JSON.parse(text);
    assert.deepEqual(at(json, "diagnostics"), { otel: { metrics: true, endpoint: "http://127.0.0.1:4318" } });
    assert.deepEqual(at(json, "logging"), { level: "debug", consoleStyle: "pretty" });
  });
});
