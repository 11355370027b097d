import { strict as assert } from "node:assert";
import { STATE_DIR, WORKSPACE_DIR } from "../../components/config/ports";
import { at, assertRestricted, envOf, list, mountsOf, PINNED, renderInstance } from "./support";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("instance pod: image, config, workspace, skills, env", () => {
  it("uses the default repository, a digest over a tag, the pull policy and pull secrets", async () => {
    const r = await renderInstance({ image: { tag: "2026.9.6", digest: DIGEST, pullPolicy: "Always", pullSecrets: ["ghcr-login"] } });
    const app = r.container("openclaw");
    assert.equal(app.image, `ghcr.io/openclaw/openclaw@${DIGEST}`);
    assert.equal(app.imagePullPolicy, "Always");
    assert.deepEqual(r.pod.imagePullSecrets, [{ name: "ghcr-login" }]);
    assert.equal(r.initContainer("init-config").image, app.image, "init-config runs the app image (it needs node)");
  });

  it("renders config.raw over the managed settings, and the init container overwrites openclaw.json by default", async () => {
    const r = await renderInstance({ config: { raw: { agents: { defaults: { model: "x/y" } }, gateway: { auth: { mode: "token" } } } } });
    const cm = r.one("ConfigMap", "bot-config");
    const json: unknown = JSON.parse(String(at(cm, "data.openclaw\\.json") ?? (cm.data as Record<string, string>)["openclaw.json"]));
    assert.deepEqual(at(json, "agents"), { defaults: { model: "x/y" } });
    assert.equal(at(json, "gateway.bind"), "lan", "managed gateway settings stay");
    assert.equal(at(json, "gateway.port"), 18789);
    assert.deepEqual(at(json, "gateway.auth"), { mode: "token" }, "user settings merge in");
    assert.deepEqual(at(json, "logging"), { level: "info", consoleStyle: "json" });
    const env = envOf(r.initContainer("init-config"));
    assert.equal(env.CONFIG_SOURCE?.value, "/etc/openclaw/openclaw.json");
    assert.equal(env.CONFIG_MERGE_MODE?.value, "overwrite");
    assert.equal(env.CONFIG_OVERLAY, undefined);
    assert.deepEqual(r.initContainer("init-config").command, ["node", "/etc/openclaw/bootstrap.mjs", "all"]);
    // The app re-applies it on every container start.
    const hook = at(r.container("openclaw"), "lifecycle.postStart.exec.command") as string[];
    assert.deepEqual(hook.slice(-3), ["node", "/etc/openclaw/bootstrap.mjs", "config"]);
    assert.ok(hook.includes("CONFIG_MERGE_MODE=overwrite"));
  });

  it("reads config.configMapRef (json5, merge) in the pod, with the managed settings as an overlay", async () => {
    const r = await renderInstance({ config: { configMapRef: { name: "team-config" }, mergeMode: "merge", format: "json5" } });
    const data = r.one("ConfigMap", "bot-config").data as Record<string, string>;
    assert.equal(data["openclaw.json"], undefined);
    const managed = data["managed.json"];
    assert.ok(managed !== undefined, "the ConfigMap has managed.json");
    assert.equal(at(JSON.parse(managed), "gateway.bind"), "lan");
    const env = envOf(r.initContainer("init-config"));
    assert.equal(env.CONFIG_SOURCE?.value, "/etc/openclaw-ref/openclaw.json");
    assert.equal(env.CONFIG_FORMAT?.value, "json5");
    assert.equal(env.CONFIG_MERGE_MODE?.value, "merge");
    assert.equal(env.CONFIG_OVERLAY?.value, "/etc/openclaw/managed.json");
    assert.deepEqual(
      list(r.pod, "volumes").find((v) => v.name === "config-ref"),
      { name: "config-ref", configMap: { name: "team-config", defaultMode: 0o644 } },
    );
    // A Role exists only with API rights (rbac.additionalRules); it then names both ConfigMaps.
    const withApi = await renderInstance(
      {
        config: { configMapRef: { name: "team-config" }, mergeMode: "merge", format: "json5" },
        rbac: { additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
        networkPolicy: { allowAPIServer: true },
      },
      { cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: ["10.0.0.10/32"] } } },
    );
    const role = withApi.one("Role");
    assert.deepEqual(at(role, "rules.0.resourceNames"), ["bot-config", "team-config"]);
  });

  it("seeds workspace files through a ConfigMap with path items, and creates directories", async () => {
    const r = await renderInstance({
      workspace: {
        initialFiles: { "AGENTS.md": "# agents\n", "tools/scripts/setup.sh": "echo hi\n" },
        initialDirectories: ["memory", "tools/scripts"],
      },
    });
    const seed = r.one("ConfigMap", "bot-workspace-seed");
    const volume = list(r.pod, "volumes").find((v) => v.name === "workspace-seed");
    const items = at(volume, "configMap.items") as { key: string; path: string }[];
    assert.deepEqual(
      items.map((i) => i.path),
      ["AGENTS.md", "tools/scripts/setup.sh"],
    );
    for (const item of items)
      assert.ok(/^[-._a-zA-Z0-9]+$/.test(item.key) && (seed.data as Record<string, string>)[item.key] !== undefined);
    const env = envOf(r.initContainer("init-config"));
    assert.equal(env.WORKSPACE_DIRECTORIES?.value, JSON.stringify(["memory", "tools/scripts"]));
    assert.equal(env.WORKSPACE_SEED_DIR?.value, "/etc/openclaw-workspace");
    assert.equal(env.WORKSPACE_DIR?.value, WORKSPACE_DIR);
  });

  it("installs skills in an init container with npm lifecycle scripts disabled", async () => {
    const r = await renderInstance({
      skills: ["npm:@openclaw/matrix@1.2.0", "@anthropic/mcp-server-fetch", "pack:acme/skills/packs/sales@v1"],
    });
    const init = r.initContainer("init-skills");
    const env = envOf(init);
    assert.equal(env.NPM_CONFIG_IGNORE_SCRIPTS?.value, "true");
    assert.deepEqual(JSON.parse(String(env.SKILLS?.value)), [
      "@anthropic/mcp-server-fetch",
      "npm:@openclaw/matrix@1.2.0",
      "pack:acme/skills/packs/sales@v1",
    ]);
    assert.deepEqual(init.command, ["node", "/etc/openclaw/skills.mjs"]);
    assert.ok((r.one("ConfigMap", "bot-config").data as Record<string, string>)["skills.mjs"]?.includes("--ignore-scripts"));
  });

  it("sets env values, stack secrets through a Secret, references, envFrom and resources", async () => {
    const r = await renderInstance(
      {
        env: {
          LOG_FORMAT: "json",
          ANTHROPIC_API_KEY: { secretRef: "anthropic" },
          DB_URL: { secretKeyRef: { name: "db", key: "url" } },
          NODE_NAME: { fieldRef: { fieldPath: "spec.nodeName" } },
        },
        envFrom: [{ secretRef: { name: "provider-keys" } }],
        resources: { limits: { memory: "8Gi" } },
      },
      { secrets: { anthropic: "sk-test-value" } },
    );
    const env = envOf(r.container("openclaw"));
    assert.equal(env.LOG_FORMAT?.value, "json");
    assert.deepEqual(at(env.ANTHROPIC_API_KEY, "valueFrom.secretKeyRef"), { name: "bot-env", key: "ANTHROPIC_API_KEY" });
    assert.deepEqual(at(env.DB_URL, "valueFrom.secretKeyRef"), { name: "db", key: "url" });
    assert.deepEqual(at(env.NODE_NAME, "valueFrom.fieldRef"), { fieldPath: "spec.nodeName" });
    assert.deepEqual(r.container("openclaw").envFrom, [{ secretRef: { name: "provider-keys" } }]);
    assert.deepEqual(r.container("openclaw").resources, {
      requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi" },
      limits: { cpu: "2", memory: "8Gi" },
    });
    const secret = r.registrations.find((x) => x.type === "kubernetes:core/v1:Secret" && x.name === "acme/bot-env");
    assert.ok(secret, "no env Secret");
    assert.ok(
      !JSON.stringify(r.registrations.filter((x) => x.type !== "kubernetes:core/v1:Secret").map((x) => x.inputs)).includes("sk-test-value"),
    );
    const { SecretValue } = await import("../../scripts/lib/mock-runtime");
    const stringData = secret.inputs.stringData;
    assert.ok(
      stringData instanceof SecretValue || (stringData as Record<string, unknown>).ANTHROPIC_API_KEY instanceof SecretValue,
      "the env Secret's value is not a Pulumi secret",
    );
  });
});

describe("instance pod: security", () => {
  it("applies the pod and container security contexts, with the operator's defaults", async () => {
    const defaults = await renderInstance({});
    assert.deepEqual(defaults.pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(at(defaults.container("openclaw"), "securityContext.readOnlyRootFilesystem"), true);
    const custom = await renderInstance({
      podSecurityContext: { runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000, fsGroupChangePolicy: "Always" },
      containerSecurityContext: { readOnlyRootFilesystem: false, capabilities: { add: ["NET_BIND_SERVICE"] } },
    });
    assert.equal(at(custom.pod, "securityContext.runAsUser"), 2000);
    assert.equal(at(custom.pod, "securityContext.fsGroupChangePolicy"), "Always");
    assert.deepEqual(at(custom.container("openclaw"), "securityContext.capabilities"), { drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    assert.equal(at(custom.container("openclaw"), "securityContext.readOnlyRootFilesystem"), false);
    assertRestricted(custom.pod);
  });

  it("injects a CA bundle from a ConfigMap or a Secret into every container", async () => {
    const r = await renderInstance({
      caBundle: { secretName: "corp-ca", key: "ca.pem" },
      skills: ["@a/b"],
      runtimeDeps: { pnpm: true, python: true, uvImage: PINNED },
      config: { mergeMode: "merge", raw: { agents: {} } },
      chromium: { enabled: true, image: PINNED },
      tailscale: { enabled: true, image: PINNED, authKeySecretRef: { name: "ts-key" } },
      ollama: { enabled: true, image: PINNED, models: ["llama3.2"] },
      webTerminal: { enabled: true, image: PINNED, credential: { secretRef: { name: "term" } } },
      observability: { metrics: { enabled: true, collectorImage: PINNED } },
      sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31.0", env: [{ name: "NODE_EXTRA_CA_CERTS", value: "/own/ca.pem" }] }],
      initContainers: [{ name: "wait", image: "busybox:1.37", command: ["true"] }],
    });
    assert.deepEqual(
      list(r.pod, "volumes").find((v) => v.name === "ca-bundle"),
      { name: "ca-bundle", secret: { secretName: "corp-ca", items: [{ key: "ca.pem", path: "ca.pem" }], defaultMode: 0o644 } },
    );
    const every = [...list(r.pod, "initContainers"), ...list(r.pod, "containers")];
    assert.ok(every.length >= 12, `every kind of container is rendered: ${every.map((c) => c.name).join(", ")}`);
    // A container that brings its own setting keeps it.
    assert.equal(envOf(r.container("proxy")).NODE_EXTRA_CA_CERTS?.value, "/own/ca.pem");
    for (const c of every.filter((c) => c.name !== "proxy")) {
      assert.deepEqual(
        mountsOf(c)["/etc/ssl/certs/custom-ca-bundle.crt"],
        { name: "ca-bundle", mountPath: "/etc/ssl/certs/custom-ca-bundle.crt", subPath: "ca.pem", readOnly: true },
        String(c.name),
      );
      assert.equal(envOf(c).NODE_EXTRA_CA_CERTS?.value, "/etc/ssl/certs/custom-ca-bundle.crt", String(c.name));
    }
    const fromConfigMap = await renderInstance({ caBundle: { configMapName: "corp-ca" } });
    assert.equal(
      at(
        list(fromConfigMap.pod, "volumes").find((v) => v.name === "ca-bundle"),
        "configMap.name",
      ),
      "corp-ca",
    );
  });
});

describe("instance pod: sidecars and init containers", () => {
  it("chromium: browserless on 3000 as UID 999, 1Gi memory-backed /dev/shm, both browser profiles, extra args and env", async () => {
    const r = await renderInstance({
      chromium: {
        enabled: true,
        image: PINNED,
        extraArgs: ["--disable-gpu"],
        extraEnv: [{ name: "TIMEOUT", value: "60000" }],
        resources: { limits: { memory: "3Gi" } },
      },
    });
    const c = r.container("chromium");
    assert.equal(c.image, "ghcr.io/browserless/chromium:1.2.3");
    assert.deepEqual(c.ports, [{ name: "cdp", containerPort: 3000, protocol: "TCP" }]);
    assert.equal(at(c, "securityContext.runAsUser"), 999);
    assert.deepEqual(c.args, ["--disable-gpu"]);
    assert.equal(envOf(c).TIMEOUT?.value, "60000");
    assert.equal(at(c, "resources.limits.memory"), "3Gi");
    assert.deepEqual(
      list(r.pod, "volumes").find((v) => v.name === "chromium-shm"),
      { name: "chromium-shm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
    );
    assert.equal(mountsOf(c)["/dev/shm"]?.name, "chromium-shm");
    const text = (r.one("ConfigMap", "bot-config").data as Record<string, string>)["openclaw.json"];
    assert.ok(text !== undefined, "the ConfigMap has openclaw.json");
    const json: unknown = JSON.parse(text);
    for (const profile of ["default", "chrome"]) assert.equal(at(json, `browser.profiles.${profile}.cdpUrl`), "http://127.0.0.1:3000");
    assert.ok(!list(r.one("Service", "bot"), "spec.ports").some((p) => p.port === 3000), "CDP must not be exposed");
    assertRestricted(r.pod);
  });

  it("tailscale: sidecar with auth key and serve config, binary copied by an init container, TS_SOCKET, UDP egress, SSO", async () => {
    const r = await renderInstance({
      tailscale: { enabled: true, image: PINNED, mode: "funnel", authKeySecretRef: { name: "ts-key" }, hostname: "bot-ts", authSSO: true },
    });
    const ts = r.container("tailscale");
    const env = envOf(ts);
    assert.deepEqual(at(env.TS_AUTHKEY, "valueFrom.secretKeyRef"), { name: "ts-key", key: "authkey" });
    assert.equal(env.TS_HOSTNAME?.value, "bot-ts");
    assert.equal(env.TS_USERSPACE?.value, "true");
    const data = r.one("ConfigMap", "bot-config").data as Record<string, string>;
    const serveText = data["tailscale-serve.json"];
    const openclawText = data["openclaw.json"];
    assert.ok(serveText !== undefined && openclawText !== undefined, "the ConfigMap has tailscale-serve.json and openclaw.json");
    const serve: unknown = JSON.parse(serveText);
    assert.deepEqual(at(serve, "AllowFunnel"), { "${TS_CERT_DOMAIN}:443": true });
    assert.equal(at(serve, "Web.${TS_CERT_DOMAIN}:443.Handlers./.Proxy"), "http://127.0.0.1:18789");
    assert.equal(at(JSON.parse(openclawText), "gateway.auth.allowTailscale"), true);
    assert.deepEqual(r.initContainer("init-tailscale-bin").command, ["cp", "/usr/local/bin/tailscale", "/tailscale-bin/tailscale"]);
    const app = envOf(r.container("openclaw"));
    assert.equal(app.TS_SOCKET?.value, "/var/run/tailscale/tailscaled.sock");
    assert.ok(String(app.PATH?.value).startsWith("/tailscale-bin:"));
    const egress = list(r.one("NetworkPolicy"), "spec.egress");
    assert.ok(
      egress.some((rule) => {
        try {
          assert.deepEqual(rule.ports, [
            { protocol: "UDP", port: 3478 },
            { protocol: "UDP", port: 41641 },
          ]);
          return true;
        } catch {
          return false;
        }
      }),
      "no Tailscale UDP egress",
    );
    assertRestricted(r.pod);
  });

  it("ollama: non-root sidecar on localhost, models pulled first, emptyDir cache with a size limit or a PVC, GPUs", async () => {
    const r = await renderInstance({ ollama: { enabled: true, image: PINNED, models: ["llama3.2", "nomic-embed-text:v1.5"], gpu: 1 } });
    const o = r.container("ollama");
    assert.equal(
      at(o, "resources.limits.nvidia\\.com/gpu") ?? (at(o, "resources.limits") as Record<string, string>)["nvidia.com/gpu"],
      "1",
    );
    assert.equal(envOf(o).OLLAMA_HOST?.value, "127.0.0.1:11434");
    assert.equal(envOf(r.initContainer("init-ollama")).PULL_MODELS?.value, "llama3.2 nomic-embed-text:v1.5");
    assert.deepEqual(
      list(r.pod, "volumes").find((v) => v.name === "ollama-models"),
      { name: "ollama-models", emptyDir: { sizeLimit: "20Gi" } },
    );
    assert.equal(envOf(r.container("openclaw")).OLLAMA_HOST?.value, "http://127.0.0.1:11434");
    assertRestricted(r.pod);
    const pvc = await renderInstance({ ollama: { enabled: true, image: PINNED, storage: { existingClaim: "models" } } });
    assert.deepEqual(
      list(pvc.pod, "volumes").find((v) => v.name === "ollama-models"),
      { name: "ollama-models", persistentVolumeClaim: { claimName: "models" } },
    );
    assert.ok(!list(pvc.pod, "initContainers").some((c) => c.name === "init-ollama"), "no models, no pull");
  });

  it("webTerminal: ttyd on 7681 with basic auth; readOnly mounts the data read-only too", async () => {
    const r = await renderInstance({
      webTerminal: { enabled: true, image: PINNED, readOnly: true, credential: { secretRef: { name: "term" } } },
      workspaceVolume: { enabled: true },
    });
    const t = r.container("web-terminal");
    assert.deepEqual(t.ports, [{ name: "web-terminal", containerPort: 7681, protocol: "TCP" }]);
    assert.equal(envOf(t).TTYD_WRITABLE?.value, "false");
    assert.deepEqual(at(envOf(t).TTYD_PASSWORD, "valueFrom.secretKeyRef"), { name: "term", key: "password" });
    assert.equal(mountsOf(t)[STATE_DIR]?.readOnly, true);
    assert.equal(mountsOf(t)[WORKSPACE_DIR]?.readOnly, true);
    assert.ok(list(r.one("Service", "bot"), "spec.ports").some((p) => p.name === "web-terminal" && p.port === 7681));
    assertRestricted(r.pod);
  });

  it("runtimeDeps: pnpm and python init containers install onto the state volume and extend PATH", async () => {
    const r = await renderInstance({ runtimeDeps: { pnpm: true, python: true, uvImage: { tag: "0.8.0-bookworm-slim" } } });
    assert.equal(r.initContainer("init-python").image, "ghcr.io/astral-sh/uv:0.8.0-bookworm-slim");
    assert.equal(envOf(r.initContainer("init-pnpm")).INSTALL_DIR?.value, `${STATE_DIR}/.local`);
    assert.ok(String(envOf(r.container("openclaw")).PATH?.value).startsWith(`${STATE_DIR}/.local/bin:`));
    const names = list(r.pod, "initContainers").map((c) => c.name);
    assert.deepEqual(names, ["init-state", "init-config", "init-pnpm", "init-python"]);
    assertRestricted(r.pod);
  });

  it("appends the user's init containers, sidecars and volumes, hardened to restricted", async () => {
    const r = await renderInstance({
      initContainers: [{ name: "wait-db", image: "busybox:1.37", command: ["sh", "-c", "true"] }],
      sidecars: [
        {
          name: "proxy",
          image: "envoyproxy/envoy:v1.31.0",
          securityContext: { runAsUser: 101 },
          volumeMounts: [{ name: "proxy-config", mountPath: "/etc/envoy" }],
        },
      ],
      sidecarVolumes: [{ name: "proxy-config", configMap: { name: "envoy" } }],
      extraVolumes: [{ name: "shared", persistentVolumeClaim: { claimName: "shared-data" } }],
      extraVolumeMounts: [{ name: "shared", mountPath: "/mnt/shared", readOnly: true }],
    });
    assert.equal(list(r.pod, "initContainers").at(-1)?.name, "wait-db");
    assert.equal(at(r.container("proxy"), "securityContext.runAsUser"), 101);
    assert.deepEqual(mountsOf(r.container("openclaw"))["/mnt/shared"], { name: "shared", mountPath: "/mnt/shared", readOnly: true });
    const volumes = list(r.pod, "volumes").map((v) => v.name);
    assert.ok(volumes.includes("proxy-config") && volumes.includes("shared"));
    assertRestricted(r.pod);
  });
});

describe("instance pod: probes and scheduling", () => {
  it("probes the gateway port over TCP with the operator's timings, each overridable and removable", async () => {
    const r = await renderInstance({ probes: { readiness: { periodSeconds: 7 }, startup: { enabled: false } } });
    const app = r.container("openclaw");
    assert.deepEqual(app.livenessProbe, {
      tcpSocket: { port: "gateway" },
      initialDelaySeconds: 30,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    assert.deepEqual(app.readinessProbe, {
      tcpSocket: { port: "gateway" },
      initialDelaySeconds: 5,
      periodSeconds: 7,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    assert.equal(app.startupProbe, undefined);
  });

  it("passes nodeSelector, tolerations, affinity and topology spread constraints to the pod", async () => {
    const availability = {
      nodeSelector: { "node-type": "compute" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "openclaw", effect: "NoSchedule" }],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: "kubernetes.io/hostname",
                labelSelector: { matchLabels: { "app.kubernetes.io/name": "openclaw" } },
              },
            },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": "openclaw" } },
        },
      ],
    };
    const r = await renderInstance({ availability });
    assert.deepEqual(r.pod.nodeSelector, availability.nodeSelector);
    assert.deepEqual(r.pod.tolerations, availability.tolerations);
    assert.deepEqual(r.pod.affinity, availability.affinity);
    assert.deepEqual(r.pod.topologySpreadConstraints, availability.topologySpreadConstraints);
  });
});
