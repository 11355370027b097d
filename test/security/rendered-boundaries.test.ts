/**
 * The rendered objects that keep instances apart (issue 16, items 4-8 and the
 * Kubernetes review): asserted on what the program registers, and where a
 * behaviour can run here (the capture guard, NetworkPolicy matching), run.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roleNamePrefix } from "../../components/builders/identity/role";
import { openclawRuntime } from "../../scripts/lib/openclaw-cli";
import { oneShotJobFromCronJob } from "../../components/lifecycle-hooks/jobs";
import type { V1CronJob } from "@kubernetes/client-node";
import { backupStack, podOf, type Manifest } from "../backup-k8s/fixtures";
import { awsFleet, CLUSTER_ARN } from "../backup-store/support/fleet";
import { at, list, PINNED, renderInstance, type Obj } from "../instance/support";
import { configProblems as problems, kubernetesObjects, minimalStack, rawConfig, runProgram } from "../support/stacks";
import { egressAllows, ingressAllowsIp, ingressAllowsPod } from "./netpol-eval";

const objectsOf = async (raw: Parameters<typeof runProgram>[0]) => kubernetesObjects(await runProgram(raw)) as unknown as Manifest[];
const named = (objects: readonly Manifest[], kind: string, name: string, namespace = "openclaw-acme") => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  const [first] = found;
  assert.ok(found.length === 1 && first !== undefined, `one ${kind} ${namespace}/${name}`);
  return first;
};
const selector = (instance: string) => ({
  "app.kubernetes.io/name": "openclaw",
  "app.kubernetes.io/instance": instance,
  "openclaw.io/tenant": "acme",
});

/** Node 22 for the capture container's command (the rendered-datapath test documents why). */
/** The capture container runs on the app image's Node: the pinned OpenClaw release's (24), from npm. */
function appImageNode(): string {
  return openclawRuntime().node;
}

describe("boundary 4: store credentials never reach the container that opens the agent's SQLite files", () => {
  for (const mode of ["irsa", "podIdentity"] as const) {
    it(`${mode}: the backup pod tells the EKS webhook to skip the capture container, and the one-shot Jobs keep that`, async () => {
      const eks = {
        clusterName: "openclaw-test",
        clusterArn: CLUSTER_ARN,
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example/id/X",
        oidcIssuer: "oidc.example/id/X",
      };
      const objects = await objectsOf(awsFleet({ identity: { mode }, eks }));
      const cron = named(objects, "CronJob", "bot-backup");
      const template = (cron.spec as { jobTemplate: { spec: { template: { metadata: { annotations?: Record<string, string> } } } } })
        .jobTemplate.spec.template;
      assert.equal(template.metadata.annotations?.["eks.amazonaws.com/skip-containers"], "sqlite-snapshot");
      const job = oneShotJobFromCronJob(cron satisfies V1CronJob, {
        kind: "pre-update",
        nowMs: Date.UTC(2026, 10, 22),
        cold: true,
        requestedBy: "test",
      }).job;
      assert.equal(job.spec?.template.metadata?.annotations?.["eks.amazonaws.com/skip-containers"], "sqlite-snapshot");
    });
  }

  it("static keys: only the engine container reads the store keys; the capture container shares no writable volume with it", async () => {
    const objects = await objectsOf(backupStack());
    const pod = podOf(named(objects, "CronJob", "bot-backup"));
    const capture = pod.initContainers?.find((c) => c.name === "sqlite-snapshot");
    const engine = pod.containers.find((c) => c.name === "engine");
    assert.ok(capture && engine);
    assert.deepEqual(
      (capture.env ?? []).filter((e) => e.valueFrom !== undefined),
      [],
      "no Secret reaches the capture container",
    );
    assert.ok(
      (engine.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === "bot-backup"),
      "the engine reads the keys",
    );
    const captureVolumes = new Set((capture.volumeMounts ?? []).map((m) => m.name));
    const shared = (engine.volumeMounts ?? []).filter((m) => captureVolumes.has(m.name) && m.readOnly !== true).map((m) => m.name);
    assert.deepEqual(shared, [], "nothing the capture writes is writable for the engine: not /tmp, not the staging");
  });

  it("the capture container's guard refuses to run with credentials present, and runs the script without them", () => {
    return (async () => {
      const objects = await objectsOf(backupStack());
      const capture = podOf(named(objects, "CronJob", "bot-backup")).initContainers?.[0];
      const command = capture?.command ?? [];
      assert.equal(command[0], "node");
      const dir = mkdtempSync(join(tmpdir(), "ocb-guard-"));
      try {
        const script = join(dir, "capture.mjs");
        writeFileSync(script, 'console.log("capture ran", process.argv[1].endsWith("capture.mjs"));\n');
        const args = [...command.slice(1, -1), script];
        const clean = spawnSync(appImageNode(), args, { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8", timeout: 30_000 });
        assert.equal(clean.status, 0, clean.stderr);
        assert.equal(clean.stdout.trim(), "capture ran true");
        for (const leaked of [
          { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", AWS_ROLE_ARN: "arn:aws:iam::1:role/x" },
          { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials" },
          { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "x" },
        ]) {
          const run = spawnSync(appImageNode(), args, {
            env: { PATH: process.env.PATH ?? "", ...leaked },
            encoding: "utf8",
            timeout: 30_000,
          });
          assert.equal(run.status, 2, `${Object.keys(leaked).join(",")}: ${run.stdout}${run.stderr}`);
          assert.equal(run.stdout, "", "the script never ran");
          assert.match(run.stderr, /refusing to open the instance's SQLite files/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
  });
});

describe("boundary 5: an instance admits its ingress controller and monitoring, not its siblings", () => {
  it("a sibling's pod (or any pod of the namespace) cannot reach the gateway, canvas, terminal or metrics by default", async () => {
    const stack = rawConfig({
      cluster: { kubernetes: { renderYamlToDirectory: "out" } },
      backup: { enabled: false },
      defaults: { image: { tag: "2026.11.1" }, networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] } },
      tenants: {
        acme: {
          instances: {
            bot: {
              webTerminal: { enabled: true, image: PINNED, credential: { secretRef: { name: "tty" } } },
              observability: { metrics: { enabled: true, collectorImage: PINNED } },
            },
            support: {},
          },
        },
      },
    });
    const objects = await objectsOf(stack);
    const policy = named(objects, "NetworkPolicy", "bot") as unknown as Obj;
    for (const port of [18789, 18793, 7681, 9090]) {
      assert.equal(ingressAllowsPod(policy, selector("support"), port), false, `sibling -> ${port}`);
      assert.equal(ingressAllowsPod(policy, { app: "anything" }, port), false, `any pod -> ${port}`);
    }
  });

  it("allowedIngressInstances opens the client ports to exactly the listed siblings", async () => {
    const stack = rawConfig({
      cluster: { kubernetes: { renderYamlToDirectory: "out" } },
      backup: { enabled: false },
      defaults: { image: { tag: "2026.11.1" } },
      tenants: { acme: { instances: { bot: { networkPolicy: { allowedIngressInstances: ["support"] } }, support: {}, sales: {} } } },
    });
    const policy = named(await objectsOf(stack), "NetworkPolicy", "bot") as unknown as Obj;
    assert.equal(ingressAllowsPod(policy, selector("support"), 18789), true);
    assert.equal(ingressAllowsPod(policy, selector("sales"), 18789), false);
    const bad = problems({
      ...stack,
      values: {
        ...stack.values,
        tenants: { acme: { instances: { bot: { networkPolicy: { allowedIngressInstances: ["ghost", "bot"] } }, support: {} } } },
      },
    });
    assert.ok(
      bad.some(
        (p) =>
          p.startsWith("tenants.acme.instances.bot.networkPolicy.allowedIngressInstances[0]: ") &&
          p.includes("not an instance of tenant acme"),
      ),
      bad.join("\n"),
    );
    assert.ok(
      bad.some(
        (p) => p.startsWith("tenants.acme.instances.bot.networkPolicy.allowedIngressInstances[1]: ") && p.includes("this instance itself"),
      ),
      bad.join("\n"),
    );
  });

  it("metrics are never published by a LoadBalancer Service, nor reachable from the load balancer's client CIDRs", async () => {
    const r = await renderInstance({
      service: { type: "LoadBalancer" },
      networkPolicy: { allowedIngressNamespaces: ["monitoring"], allowedIngressCIDRs: ["203.0.113.0/24"] },
      observability: { metrics: { enabled: true, collectorImage: PINNED, serviceMonitor: { enabled: true } } },
    });
    assert.ok(!list(r.one("Service", "bot"), "spec.ports").some((p) => p.port === 9090 || p.name === "metrics"));
    assert.equal(at(r.one("Service", "bot-metrics"), "spec.type"), "ClusterIP");
    const policy = r.one("NetworkPolicy");
    assert.equal(ingressAllowsIp(policy, "203.0.113.7", 18789), true, "clients reach the gateway");
    assert.equal(ingressAllowsIp(policy, "203.0.113.7", 9090), false, "clients never reach metrics");
  });
});

describe("boundary 6: egress never reaches the metadata endpoints, nor the API server unless opted in", () => {
  const API = ["10.0.0.10/32", "198.51.100.10/32"];
  const cluster = { cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: API } } };
  const blocked = ["169.254.169.254", "169.254.170.23", "fd00:ec2::254", "fd00:ec2::23", "fe80::1"];

  it("default: HTTPS to the internet, never to metadata, the API server (private or public endpoint) or the cluster's network", async () => {
    const r = await renderInstance({ tailscale: { enabled: true, image: PINNED, authKeySecretRef: { name: "ts" } } }, cluster);
    const policy = r.one("NetworkPolicy");
    assert.equal(egressAllows(policy, "1.1.1.1", 443), true);
    assert.equal(egressAllows(policy, "2606:4700::1111", 443), true);
    for (const ip of [...blocked, "10.0.0.10", "198.51.100.10", "172.20.0.1", "192.168.1.1"]) {
      assert.equal(egressAllows(policy, ip, 443), false, `${ip}:443`);
      assert.equal(egressAllows(policy, ip, 6443), false, `${ip}:6443`);
    }
    for (const ip of blocked) assert.equal(egressAllows(policy, ip, 41641, "UDP"), false, `tailscale ${ip}`);
  });

  it("explicit CIDRs and extra rules cannot reopen metadata or the API server", async () => {
    const r = await renderInstance(
      {
        networkPolicy: {
          allowedEgressCIDRs: ["0.0.0.0/0", "::/0"],
          additionalEgress: [
            { cidrs: ["0.0.0.0/0"], ports: [{ port: 80 }, { port: 6443 }] },
            // A rule naming the metadata address itself is refused by the config (test/security/ownership.test.ts).
          ],
        },
      },
      cluster,
    );
    const policy = r.one("NetworkPolicy");
    assert.equal(egressAllows(policy, "10.1.2.3", 443), true, "the user opened private HTTPS on purpose");
    for (const ip of blocked) for (const port of [80, 443]) assert.equal(egressAllows(policy, ip, port), false, `${ip}:${port}`);
    for (const ip of ["10.0.0.10", "198.51.100.10"])
      for (const port of [443, 6443]) assert.equal(egressAllows(policy, ip, port), false, `api ${ip}:${port}`);
    assert.ok(!list(policy, "spec.egress").some((rule) => rule.to === undefined), "no rule is opened to everything");
  });

  it("allowAPIServer opens the API server's addresses on 443 and 6443, and nothing more", async () => {
    const r = await renderInstance(
      { networkPolicy: { allowAPIServer: true }, rbac: { additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] } },
      cluster,
    );
    const policy = r.one("NetworkPolicy");
    for (const ip of ["10.0.0.10", "198.51.100.10"])
      for (const port of [443, 6443]) assert.equal(egressAllows(policy, ip, port), true, `${ip}:${port}`);
    for (const ip of blocked) assert.equal(egressAllows(policy, ip, 443), false, ip);
    assert.equal(egressAllows(policy, "10.0.0.11", 443), false, "the rest of the VPC stays closed");
  });

  it("backup pods reach the store but never the metadata endpoints (the Pod Identity agent only by its own rule)", async () => {
    const eks = { clusterName: "openclaw-test", clusterArn: CLUSTER_ARN };
    const policy = named(
      await objectsOf(awsFleet({ identity: { mode: "podIdentity" }, eks })),
      "NetworkPolicy",
      "bot-backup",
    ) as unknown as Obj;
    assert.equal(egressAllows(policy, "52.216.0.1", 443), true, "S3");
    assert.equal(egressAllows(policy, "169.254.169.254", 443), false);
    assert.equal(egressAllows(policy, "169.254.169.254", 80), false);
    assert.equal(egressAllows(policy, "169.254.170.23", 80), true, "the Pod Identity agent");
  });
});

describe("boundary 7: the agent cannot drive the Tailscale sidecar", () => {
  const tailscale = (extra: Record<string, unknown> = {}) => ({
    tailscale: { enabled: true, image: PINNED, authKeySecretRef: { name: "ts" }, ...extra },
  });

  it("without SSO the socket, the CLI and TS_SOCKET stay out of the app container", async () => {
    const r = await renderInstance(tailscale());
    const app = r.container("openclaw");
    assert.ok(!list(app, "volumeMounts").some((m) => String(m.name).startsWith("tailscale")), "no tailscale mount in the app");
    assert.ok(!list(app, "env").some((e) => e.name === "TS_SOCKET"));
    assert.ok(!list(r.pod, "initContainers").some((c) => c.name === "init-tailscale-bin"));
    for (const c of list(r.pod, "containers").filter((c) => c.name !== "tailscale")) {
      assert.ok(!list(c, "volumeMounts").some((m) => m.name === "tailscale-socket"), `${String(c.name)} mounts the socket`);
    }
  });

  it("with SSO the app gets the socket, but tailscaled runs as a UID no other container has (a read-only LocalAPI for them)", async () => {
    const r = await renderInstance({
      ...tailscale({ authSSO: true }),
      webTerminal: { enabled: true, image: PINNED, credential: { secretRef: { name: "tty" } } },
    });
    assert.ok(list(r.container("openclaw"), "volumeMounts").some((m) => m.name === "tailscale-socket"));
    const podUid = at(r.pod, "securityContext.runAsUser");
    const uidOf = (c: Obj) => at(c, "securityContext.runAsUser") ?? podUid;
    const daemon = uidOf(r.container("tailscale"));
    assert.equal(daemon, 65532);
    for (const c of [...list(r.pod, "initContainers"), ...list(r.pod, "containers")].filter((c) => c.name !== "tailscale")) {
      assert.notEqual(uidOf(c), daemon, `${String(c.name)} runs as tailscaled's UID`);
    }
  });

  it("refuses an app or user container running as tailscaled's UID", () => {
    const found = problems(minimalStack({ ...tailscale(), podSecurityContext: { runAsUser: 65532 } }));
    assert.ok(
      found.some((p) => p.startsWith("tenants.acme.instances.bot.podSecurityContext.runAsUser: ") && p.includes("tailscaled's UID")),
      found.join("\n"),
    );
    const sidecar = problems(
      minimalStack({ ...tailscale(), sidecars: [{ name: "x", image: "busybox:1.36", securityContext: { runAsUser: 65532 } }] }),
    );
    assert.ok(
      sidecar.some((p) => p.startsWith("tenants.acme.instances.bot.sidecars[0].securityContext.runAsUser: ")),
      sidecar.join("\n"),
    );
  });
});

describe("boundary 8: backup role names identify one instance", () => {
  const instance = (tenant: string, name: string) => ({ tenant, name }) as Parameters<typeof roleNamePrefix>[0];
  it("tenant/instance pairs that read alike get different prefixes, neither a prefix of the other", () => {
    const pairs: [string, string][] = [
      ["acme", "corp-bot"],
      ["acme-corp", "bot"],
      ["acme", "corp"],
      ["acme-c", "orp-bot"],
    ];
    const prefixes = pairs.map(([t, i]) => roleNamePrefix(instance(t, i)));
    assert.equal(new Set(prefixes).size, prefixes.length, prefixes.join(" "));
    for (const a of prefixes) for (const b of prefixes) if (a !== b) assert.ok(!a.startsWith(b), `${a} starts with ${b}`);
  });
  it("long names stay within IAM's 38-character prefix and unique", () => {
    const long = "a".repeat(40);
    const one = roleNamePrefix(instance(long, `${"b".repeat(39)}1`));
    const two = roleNamePrefix(instance(long, `${"b".repeat(39)}2`));
    assert.ok(one.length <= 38 && two.length <= 38, `${one} ${two}`);
    assert.notEqual(one, two);
  });
});
