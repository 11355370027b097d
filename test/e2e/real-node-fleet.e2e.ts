import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { GATEWAY_PORT, STATE_FOLDER } from "../../components/config/ports";
import { runBounded, type CliResult } from "../../scripts/lib/openclaw-cli";
import { engineEnv, expectExit, runEngine } from "../support/engine-runner";
import { assertReadsState, makeState, type OpenClawShell } from "../support/openclaw-state";
import { startS3Server, type S3Server } from "../support/s3server";
import { appImage, backupImage, imagesConfig, metricsCollectorImage, type BuiltImage } from "./images";
import { startControlPlane, type ControlPlane } from "./support/control-plane";
import { mountsUnder } from "./support/host";
import { Kube, type KubeObject } from "./support/kube";
import { REAL_NODE_LABEL, REAL_NODE_TAINT, startRealNode, type RealNode } from "./support/node";
import { openProject, type Project } from "./support/pulumi";
import { StackFile, type ConfigValues } from "./support/stack-file";
import { e2eSuite } from "./support/suite";
import { realNodePod } from "./support/real-node-pod";
import { nodeBin } from "./support/toolchain";
import { STORAGE_CLASS, startVolumeProvisioner, type VolumeProvisioner } from "./support/volume-provisioner";

const STACK = "real";
/** A user's own containers run the app image (it has a shell); the images config points its repository at the suite's build. */
const USER_IMAGE = `ghcr.io/openclaw/openclaw:${OPENCLAW_VERSION}`;
const COLLECTOR_TAG = "0.165.1";
const NEXT_TAG = `${OPENCLAW_VERSION}-e2e.1`;
/** Namespaces of the suite's own client pods: one the instances admit (as an ingress controller's), one they do not. */
const INGRESS_NS = "e2e-ingress";
const OUTSIDER_NS = "e2e-outsider";

type Instances = Record<string, Record<string, unknown>>;

interface PodStatus {
  phase?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  containerStatuses?: { name: string; ready: boolean; state?: { running?: { startedAt?: string } } }[];
}

/**
 * The program's own fleet on a real node (kubelet, containerd, runc, kube-proxy, kube-router,
 * CoreDNS): `pulumi up` of a stack whose instances ask for that node the way a user pins a node
 * pool (nodeSelector and toleration), on volumes of the cluster's default class (real folders,
 * support/volume-provisioner.ts), with images built here (`openclaw-fleet:images`), backing up to
 * an S3 server of the suite on the bridge's address (the one address of this machine a pod
 * reaches). Nothing the program renders is edited. The gateway runs, its state is made with its
 * own CLI in the pod, backed up by a Job from its CronJob, verified, restored into a new and a
 * running instance, snapshotted before an image bump and before removal, and its NetworkPolicies
 * are enforced by kube-router.
 */
describe("e2e: a fleet on a real node: the app, its backups, restores and network policies", function () {
  const ctx = e2eSuite("real-fleet");
  let plane: ControlPlane | undefined;
  let node: RealNode | undefined;
  let nodeDir = "";
  let kube: Kube;
  let volumes: VolumeProvisioner | undefined;
  let s3: S3Server | undefined;
  let project: Project;
  let stack: StackFile;
  let images: { app: BuiltImage; backup: BuiltImage; metricsCollector: BuiltImage };
  let tenants: Record<string, Instances> = {};
  let tag = OPENCLAW_VERSION;
  let manualSnapshot = "";

  const kubectl = (args: readonly string[], input?: string, timeoutMs = 30_000) => {
    if (plane === undefined) throw new Error("no control plane");
    return plane.kubectl(args, { input, timeoutMs });
  };
  /** kubectl with its exit code (exec passes the command's own), never throwing on one; its cache goes to the suite's folder. */
  const kubectlResult = (args: readonly string[], timeoutMs = 120_000): Promise<CliResult> => {
    if (plane === undefined) throw new Error("no control plane");
    return runBounded(
      join(ctx.bin, "kubectl"),
      [`--kubeconfig=${plane.kubeconfig}`, ...args],
      { PATH: process.env.PATH ?? "", HOME: ctx.dir },
      timeoutMs,
    );
  };

  const config = (): ConfigValues => ({
    cluster: {
      kubernetes: {
        kubeconfig: plane?.kubeconfig,
        context: "openclaw-e2e",
        // The node's resolver answers on its own address, as NodeLocal DNSCache does on a user's
        // cluster: no pod selector matches it, so the policies admit it by address.
        dns: { cidrs: [`${node?.gateway}/32`] },
      },
    },
    images: imagesConfig(images),
    backup: {
      store: {
        kind: "s3Compatible",
        endpoint: s3?.endpoint,
        bucket: s3?.bucket,
        region: "us-east-1",
        provider: "Minio",
        credentials: { accessKeyId: { secretRef: "store-access-key" }, secretAccessKey: { secretRef: "store-secret-key" } },
      },
      deleteTimeout: "10m",
    },
    defaults: {
      image: { tag },
      // Agents added at run time stay across restarts and restores.
      config: { mergeMode: "merge" },
      backup: { schedule: "6h" },
      // As a user pins a node pool: the real node only (kwok's fake nodes never run these pods).
      availability: {
        nodeSelector: { [REAL_NODE_LABEL]: "true" },
        tolerations: [{ key: REAL_NODE_TAINT, operator: "Exists", effect: "NoSchedule" }],
      },
      networkPolicy: { allowedIngressNamespaces: [INGRESS_NS] },
      // Small requests so that five instances fit on one node; the default limits (the CLI's memory index needs room).
      resources: { requests: { cpu: "50m", memory: "256Mi" } },
    },
    tenants: Object.fromEntries(Object.entries(tenants).map(([tenant, instances]) => [tenant, { instances }])),
  });
  const up = async (what: string) => {
    stack.write(config());
    const result = await project.pulumi(["up", "-s", STACK, "--yes", "--skip-preview"], { timeoutMs: 25 * 60_000 });
    if (result.code !== 0) throw new Error(`pulumi up (${what}) failed:\n${result.output}\n${await diagnostics()}`);
    return result;
  };
  const fleet = (args: readonly string[]) =>
    project.run("npm", ["run", "--silent", "fleet", "--", "--stack", STACK, ...args], { timeoutMs: 15 * 60_000 });
  /** Pods and events of the instance namespaces, for a failure's message. */
  const diagnostics = async () => {
    const namespaces = Object.keys(tenants).map((t) => `openclaw-${t}`);
    const parts = await Promise.all(
      namespaces.map((ns) => kubectl(["get", "pods,pvc,jobs", "-n", ns, "-o", "wide"]).catch((e: Error) => e.message)),
    );
    const events = await Promise.all(
      namespaces.map((ns) => kubectl(["get", "events", "-n", ns, "--sort-by=.lastTimestamp"]).catch((e: Error) => e.message)),
    );
    return [...parts, ...events.map((e) => e.split("\n").slice(-25).join("\n"))].join("\n");
  };
  const pod = (tenant: string, instance: string) => kube.get("pod", `openclaw-${tenant}`, `${instance}-0`);
  const podStatus = async (tenant: string, instance: string) => (await pod(tenant, instance))?.status as PodStatus | undefined;
  const serviceIP = async (tenant: string, instance: string) =>
    (await kubectl(["get", "service", instance, "-n", `openclaw-${tenant}`, "-o", "jsonpath={.spec.clusterIP}"])).trim();

  /** `openclaw <args>` in the app container of `<tenant>/<instance>`, as `kubectl exec` runs it (the container's env and user). */
  const shell = (tenant: string, instance: string): OpenClawShell => {
    const target = ["exec", "-n", `openclaw-${tenant}`, `${instance}-0`, "-c", "openclaw", "--"];
    return {
      cli: (args, timeoutMs = 120_000) => kubectlResult([...target, "node", "/app/openclaw.mjs", ...args], timeoutMs),
      writeWorkspaceFile: async (relative, text) => {
        const path = `/home/node/.openclaw/workspace/${relative}`;
        const result = await kubectlResult([
          ...target,
          "sh",
          "-c",
          'mkdir -p "$(dirname "$1")" && printf "%s" "$2" > "$1"',
          "sh",
          path,
          text,
        ]);
        assert.equal(result.code, 0, result.stderr);
      },
    };
  };

  /**
   * Whether a pod's container opens a TCP connection to host:port and gets an HTTP answer
   * (busybox nc, which both images carry). A refused or dropped connection is "no". Its stdin
   * stays open for 3 s: busybox nc closes the connection at the end of its input, before a slow
   * server (the in-process S3 server of a busy test process) has answered.
   */
  const reaches = async (where: { namespace: string; pod: string; container?: string }, host: string, port: number): Promise<boolean> => {
    const result = await kubectlResult(
      [
        "exec",
        "-n",
        where.namespace,
        where.pod,
        ...(where.container !== undefined ? ["-c", where.container] : []),
        "--",
        "sh",
        "-c",
        `(printf 'GET /healthz HTTP/1.1\\r\\nHost: probe\\r\\nConnection: close\\r\\n\\r\\n'; sleep 3) | nc -w 5 ${host} ${port}`,
      ],
      60_000,
    );
    return /^HTTP\/1\.[01] \d{3}/m.test(result.stdout);
  };

  /** A pod of the suite's own on the real node, running the backup image's busybox. */
  const probePod = (namespace: string, name: string, labels: Record<string, string> = {}) =>
    realNodePod({
      namespace,
      name,
      labels,
      image: images.backup.reference,
      containerName: "probe",
      command: ["/bin/sh", "-c", "exec sleep 3600"],
    });
  const startProbe = async (namespace: string, name: string, labels: Record<string, string> = {}) => {
    await kubectl(["apply", "--warnings-as-errors", "-f", "-"], JSON.stringify(probePod(namespace, name, labels)));
    await kubectl(["wait", "-n", namespace, "--for=condition=Ready", `pod/${name}`, "--timeout=120s"], undefined, 130_000);
  };
  const ensureNamespace = async (name: string) => {
    if ((await kube.get("namespace", undefined, name)) !== undefined) return;
    await kubectl(["create", "namespace", name]);
    await kubectl(["label", "namespace", name, "pod-security.kubernetes.io/enforce=restricted"]);
    await kube.waitFor(
      `${name}/default ServiceAccount`,
      async () => (await kube.get("serviceaccount", name, "default")) !== undefined,
      60_000,
    );
  };
  const complete = (job: KubeObject) =>
    ((job.status?.conditions as { type: string; status: string }[] | undefined) ?? []).some(
      (c) => c.type === "Complete" && c.status === "True",
    );
  /** Restores a snapshot on this host with the engine and the same rclone the backup image ships, into a fresh folder. */
  const restoreOnHost = async (tenant: string, instance: string, snapshot: string): Promise<string> => {
    const dir = mkdtempSync(join(ctx.dir, "restored-"));
    assert.ok(s3 !== undefined);
    const result = await runEngine({
      env: engineEnv(s3, {
        OCB_TENANT: tenant,
        OCB_INSTANCE: instance,
        OCB_SOURCES: `state=${join(dir, "state")}`,
        OCB_RESTORE_FROM: snapshot,
        OCB_RESTORE_UID: "0",
        OCB_RESTORE_GID: "0",
        OCB_WORK_DIR: join(dir, "work"),
      }),
      args: ["restore"],
      timeoutMs: 300_000,
    });
    expectExit(result, 0, `restore of ${snapshot} on the host`);
    return join(dir, "state");
  };

  before(async function () {
    // A cold build of the node and the images takes tens of minutes; a warm one, seconds.
    this.timeout(90 * 60_000);
    const binDir = await nodeBin();
    images = { app: await appImage(), backup: await backupImage(), metricsCollector: await metricsCollectorImage() };
    plane = await startControlPlane({ binDir: ctx.bin, dir: join(ctx.dir, "plane") });
    kube = new Kube(plane);
    nodeDir = mkdtempSync(join(tmpdir(), "ocf-node-"));
    node = await startRealNode({ binDir, dir: nodeDir, controlPlane: plane });
    for (const image of Object.values(images)) {
      await node.importImage(image.archive);
      // The program pins the backup image and the sidecars by digest: the runtime must know the
      // imported image by that name too, or it tries to pull it (a registry no one can reach).
      await node.tagImage(image.reference, image.pinned);
    }
    // The image bump's new tag: the same bytes under another name (nothing to pull).
    await node.tagImage(images.app.reference, images.app.reference.replace(/:[^:]+$/, `:${NEXT_TAG}`));
    // Root-owned folders, as most storage makes a volume's root: OpenClaw (uid 1000) tightens its
    // state directory to 0700, which only works because it is the state folder init-state made,
    // not the root fsGroup only lends the group; see docs/e2e.md, "What the real node found".
    volumes = await startVolumeProvisioner({ plane, nodeName: node.name, dir: nodeDir });
    s3 = await startS3Server({ address: node.gateway });
    project = openProject({ binDir: ctx.bin, dir: ctx.dir, env: { PULUMI_CONFIG_PASSPHRASE: "e2e-throw-away" } });
    await project.ok(["login", "--local"]);
    stack = new StackFile(project, STACK);
    await stack.init({ "store-access-key": s3.accessKeyId, "store-secret-key": s3.secretAccessKey });
    for (const ns of [INGRESS_NS, OUTSIDER_NS]) await ensureNamespace(ns);
  });

  after(async function () {
    this.timeout(240_000);
    try {
      await node?.stop();
      await volumes?.stop();
      if (nodeDir !== "") rmSync(nodeDir, { recursive: true, force: true });
    } catch (error) {
      process.stdout.write(`      the real node did not stop cleanly; kept ${nodeDir}: ${(error as Error).message}\n`);
    }
    await plane?.stop();
    await s3?.close();
  });

  it("up: every instance runs on the real node, Ready through its rendered probes, on a root-owned volume of the default class, its state in the folder the app's user made", async function () {
    this.timeout(30 * 60_000);
    tenants = {
      // alpha reaches beta's gateway (its own egress rule, and beta admits it); nobody else reaches alpha.
      acme: {
        alpha: { networkPolicy: { additionalEgress: [{ namespaces: ["openclaw-acme"], ports: [{ port: GATEWAY_PORT }] }] } },
        beta: { networkPolicy: { allowedIngressInstances: ["alpha"] } },
      },
      // Every kind of container the program renders: its own sidecar (the metrics collector) and a user's init container and sidecar.
      globex: {
        ops: {
          observability: { metrics: { enabled: true, collectorImage: { tag: COLLECTOR_TAG } } },
          initContainers: [{ name: "seed", image: USER_IMAGE, command: ["sh", "-c", "echo seeded"] }],
          sidecars: [{ name: "heartbeat", image: USER_IMAGE, command: ["sh", "-c", "exec sleep 2147483647"] }],
        },
      },
    };
    await up("the first");
    for (const [tenant, instances] of Object.entries(tenants)) {
      for (const instance of Object.keys(instances)) {
        const status = await podStatus(tenant, instance);
        assert.equal(status?.hostIP, node?.gateway, `${tenant}/${instance} is not on the real node`);
        assert.ok(
          status?.containerStatuses?.every((c) => c.ready),
          `${tenant}/${instance} is not Ready: ${JSON.stringify(status?.containerStatuses)}`,
        );
        const claim = await kube.get("pvc", `openclaw-${tenant}`, `${instance}-data`);
        assert.equal(
          (claim?.spec as { storageClassName?: string }).storageClassName,
          STORAGE_CLASS,
          "the claim did not get the cluster's default class",
        );
        const folder = volumes?.folders.get(`openclaw-${tenant}/${instance}-data`);
        assert.ok(
          folder !== undefined && existsSync(join(folder, STATE_FOLDER, "openclaw.json")),
          `${tenant}/${instance}: the rendered openclaw.json is not in the state folder of its volume`,
        );
        // The volume's root stays root's (the kubelet only gave it fsGroup 1000); the state folder is the app's.
        const volumeRoot = statSync(folder);
        assert.deepEqual([volumeRoot.uid, volumeRoot.gid], [0, 1000], `${tenant}/${instance}: the volume's root is root's, group fsGroup`);
        assert.equal(
          statSync(join(folder, STATE_FOLDER)).uid,
          1000,
          `${tenant}/${instance}: init-state made the state folder as the app's user`,
        );
        const id = await shell(tenant, instance).cli(["--version"]);
        assert.equal(id.code, 0, id.stderr);
        const own = await kubectlResult([
          "exec",
          "-n",
          `openclaw-${tenant}`,
          `${instance}-0`,
          "-c",
          "openclaw",
          "--",
          "sh",
          "-c",
          "id -u; stat -c '%u' /home/node/.openclaw; touch /home/node/.openclaw/.fleet-probe && echo writable; touch /etc/x 2>&1 || true",
        ]);
        assert.match(own.stdout, /^1000\n1000\nwritable\n.*Read-only file system/s, own.stdout + own.stderr);
      }
    }
    // Every container of every pod template ran, with a read-only root where it has a shell to try one.
    const ops = await pod("globex", "ops");
    const spec = ops?.spec as {
      initContainers: { name: string; securityContext?: { readOnlyRootFilesystem?: boolean } }[];
      containers: { name: string; securityContext?: { readOnlyRootFilesystem?: boolean } }[];
    };
    assert.deepEqual(spec.containers.map((c) => c.name).sort(), ["heartbeat", "metrics-collector", "openclaw"]);
    assert.deepEqual(
      [...spec.initContainers, ...spec.containers].filter((c) => c.securityContext?.readOnlyRootFilesystem !== true).map((c) => c.name),
      [],
      "a container with a writable root",
    );
    for (const container of ["openclaw", "heartbeat"]) {
      const write = await kubectlResult(["exec", "-n", "openclaw-globex", "ops-0", "-c", container, "--", "sh", "-c", "touch /probe"]);
      assert.match(write.stderr, /Read-only file system/, `${container}: ${write.stdout}${write.stderr}`);
    }
    const seed = await kubectl(["logs", "-n", "openclaw-globex", "ops-0", "-c", "seed"]);
    assert.equal(seed.trim(), "seeded");
    // Pod Security `restricted` is what the namespaces enforce, and the pods were admitted under it.
    for (const tenant of Object.keys(tenants)) {
      const ns = await kube.get("namespace", undefined, `openclaw-${tenant}`);
      assert.equal(ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
    }
  });

  it("the gateway answers a client with its token and refuses one without or with another; its CLI in the pod makes agents, a session, cron and memory", async function () {
    this.timeout(15 * 60_000);
    const alpha = shell("acme", "alpha");
    const ok = await alpha.cli(["gateway", "health", "--json"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { ok: boolean }).ok, true);
    const target = ["exec", "-n", "openclaw-acme", "alpha-0", "-c", "openclaw", "--"];
    // Without the token the CLI does not even try ("no token/password"); a client that connects
    // anyway with other credentials, and one with another token, are refused by the gateway itself.
    const local = await kubectlResult([
      ...target,
      "env",
      "-u",
      "OPENCLAW_GATEWAY_TOKEN",
      "node",
      "/app/openclaw.mjs",
      "gateway",
      "health",
      "--json",
    ]);
    assert.notEqual(local.code, 0, "a CLI without the token got in");
    assert.equal((JSON.parse(local.stdout) as { error: { type?: string } }).error.type, "gateway_credentials_required", local.stdout);
    const url = `ws://127.0.0.1:${GATEWAY_PORT}`;
    const missing = await kubectlResult([
      ...target,
      "env",
      "-u",
      "OPENCLAW_GATEWAY_TOKEN",
      "node",
      "/app/openclaw.mjs",
      "gateway",
      "health",
      "--json",
      "--url",
      url,
      "--password",
      "not-the-token",
    ]);
    const wrong = await kubectlResult([
      ...target,
      "sh",
      "-c",
      `OPENCLAW_GATEWAY_TOKEN="\${OPENCLAW_GATEWAY_TOKEN}-not" exec node /app/openclaw.mjs gateway health --json`,
    ]);
    for (const [what, result] of [
      ["without the token", missing],
      ["with another token", wrong],
    ] as const) {
      assert.notEqual(result.code, 0, `a client ${what} got in`);
      const error = (JSON.parse(result.stdout) as { error: { type?: string; details?: { code?: string } } }).error;
      assert.equal(error.type, "gateway_request_error", `${what}: not refused by the gateway: ${result.stdout}`);
      assert.match(error.details?.code ?? "", /^AUTH_TOKEN_(MISSING|MISMATCH)$/, result.stdout);
    }
    await makeState(alpha);
  });

  it("NetworkPolicies are enforced: the instances admit their ingress namespace and the instance they name, nothing else; the backup pod reaches only the store", async function () {
    this.timeout(10 * 60_000);
    assert.ok(s3 !== undefined);
    const [alphaIP, betaIP, opsIP] = [await serviceIP("acme", "alpha"), await serviceIP("acme", "beta"), await serviceIP("globex", "ops")];
    await startProbe(INGRESS_NS, "ingress");
    await startProbe(OUTSIDER_NS, "outsider");
    const ingress = { namespace: INGRESS_NS, pod: "ingress" };
    const outsider = { namespace: OUTSIDER_NS, pod: "outsider" };
    const alpha = { namespace: "openclaw-acme", pod: "alpha-0", container: "openclaw" };
    const beta = { namespace: "openclaw-acme", pod: "beta-0", container: "openclaw" };
    // A probe with the backup pods' labels: the backup NetworkPolicy selects it as it selects a backup Job's pod.
    const cron = await kube.get("cronjob", "openclaw-acme", "alpha-backup");
    const backupLabels = (cron?.spec as { jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } } })
      .jobTemplate.spec.template.metadata.labels;
    await startProbe("openclaw-acme", "backup-probe", backupLabels);
    const backup = { namespace: "openclaw-acme", pod: "backup-probe" };
    const store = { host: node?.gateway ?? "", port: s3.port };

    const expected: [string, { namespace: string; pod: string; container?: string }, string, number, boolean][] = [
      ["the ingress namespace -> alpha's gateway", ingress, alphaIP, GATEWAY_PORT, true],
      ["the ingress namespace -> globex/ops's gateway", ingress, opsIP, GATEWAY_PORT, true],
      ["another namespace -> alpha's gateway", outsider, alphaIP, GATEWAY_PORT, false],
      ["alpha -> beta's gateway (alpha's egress rule, beta admits alpha)", alpha, betaIP, GATEWAY_PORT, true],
      [
        "alpha -> beta's gateway by name (the resolver cluster.kubernetes.dns admits)",
        alpha,
        "beta.openclaw-acme.svc.cluster.local",
        GATEWAY_PORT,
        true,
      ],
      ["beta -> alpha's gateway (alpha does not admit beta)", beta, alphaIP, GATEWAY_PORT, false],
      ["alpha -> another tenant's gateway (globex/ops)", alpha, opsIP, GATEWAY_PORT, false],
      ["the backup pod -> the store", backup, store.host, store.port, true],
      ["the backup pod -> its own instance's gateway", backup, alphaIP, GATEWAY_PORT, false],
      ["the backup pod -> another tenant's gateway", backup, opsIP, GATEWAY_PORT, false],
      ["an instance pod -> the store (only backup pods hold its keys and its route)", alpha, store.host, store.port, false],
    ];
    // kube-router programs a new pod into its policies' ipsets within seconds of its start, and
    // rebuilds them now and then: an open path must answer within a few tries, a closed one must
    // never answer, on every try. One probe at a time: parallel `kubectl exec`s on two busy cores
    // outlast a probe's deadline.
    const mismatches = async (tries: number) => {
      const wrong: string[] = [];
      for (const [what, from, host, port, want] of expected) {
        let open = false;
        for (let i = 0; i < (want ? tries : 1) && !open; i++) open = await reaches(from, host, port);
        if (open !== want) wrong.push(`${what}: expected ${want ? "open" : "closed"}`);
      }
      return wrong;
    };
    let wrong = await mismatches(3);
    for (const deadline = Date.now() + 90_000; wrong.length > 0 && Date.now() < deadline; wrong = await mismatches(3))
      await new Promise((r) => setTimeout(r, 2_000));
    assert.deepEqual(wrong, []);
    assert.deepEqual(await mismatches(3), [], "the paths changed once settled");
    process.stderr.write(
      `      ${expected.filter(([, , , , want]) => want).length} paths open and ${expected.filter(([, , , , want]) => !want).length} closed, as the policies say\n`,
    );
    await kubectl(["delete", "pod", "backup-probe", "-n", "openclaw-acme", "--grace-period=1"], undefined, 60_000);
  });

  it("a Job from alpha's backup CronJob uploads its state to the suite's S3 server, and `fleet backups verify --deep` passes on it", async function () {
    this.timeout(15 * 60_000);
    const now = await fleet(["backup", "now", "acme/alpha", "--timeout", "10m"]);
    assert.equal(now.code, 0, `${now.output}\n${await diagnostics()}`);
    manualSnapshot = /snapshot complete: (\S+)/.exec(now.stdout)?.[1] ?? "";
    assert.match(manualSnapshot, /^backups\/acme\/alpha\/manual\/\d{8}T\d{6}Z$/);
    const jobs = await kube.list("jobs", "openclaw-acme", "openclaw.io/snapshot-kind=manual");
    const [job] = jobs;
    assert.ok(jobs.length === 1 && job !== undefined);
    assert.ok(complete(job));
    const [jobPod] = await kube.list("pods", "openclaw-acme", `job-name=${job.metadata.name}`);
    assert.equal((jobPod?.status as PodStatus | undefined)?.hostIP, node?.gateway, "the backup pod did not run on the real node");
    const verify = await fleet(["backups", "verify", manualSnapshot, "--deep"]);
    assert.equal(verify.code, 0, verify.output);
    const restored = await restoreOnHost("acme", "alpha", manualSnapshot);
    assert.match(
      readFileSync(join(restored, "workspace", "memory", "fleet.md"), "utf8"),
      /cerulean/,
      "the snapshot lacks the memory file the app wrote",
    );
    process.stderr.write(`      ${manualSnapshot}: ${verify.stdout.trim().split("\n").slice(-1)[0]}\n`);
  });

  it("restoreFrom into a new instance: its restore Job completes before its app starts, and the gateway lists the agents, session, cron job and memory", async function () {
    this.timeout(25 * 60_000);
    tenants = { ...tenants, acme: { ...tenants.acme, gamma: { backup: { restoreFrom: manualSnapshot } } } };
    await up("a clone");
    const [restore] = (await kube.list("jobs", "openclaw-acme", "app.kubernetes.io/component=restore")).filter(
      (j) => j.metadata.labels?.["app.kubernetes.io/instance"] === "gamma",
    );
    assert.ok(restore !== undefined && complete(restore), "gamma's restore Job did not complete");
    const finished = Date.parse(String((restore.status as { completionTime?: string }).completionTime));
    const started = Date.parse((await podStatus("acme", "gamma"))?.startTime ?? "");
    assert.ok(
      finished <= started,
      `gamma's pod started (${new Date(started).toISOString()}) before its restore finished (${new Date(finished).toISOString()})`,
    );
    process.stderr.write(`      the clone lists ${await assertReadsState(shell("acme", "gamma"))}\n`);
  });

  it("restoreFrom into a running instance: stopped, restored, started again, and it lists the restored state", async function () {
    this.timeout(25 * 60_000);
    const acme = tenants.acme;
    assert.ok(acme, "tenant acme is up");
    tenants = { ...tenants, acme: { ...acme, beta: { ...acme.beta, backup: { restoreFrom: manualSnapshot } } } };
    const result = await up("a restore of a running instance");
    assert.match(result.output, /acme\/beta: stopping \(scale 1 -> 0\) for the restore/);
    assert.match(result.output, /acme\/beta: restored and started again/);
    await kubectl(["wait", "-n", "openclaw-acme", "--for=condition=Ready", "pod/beta-0", "--timeout=300s"], undefined, 310_000);
    process.stderr.write(`      beta, restored in place, lists ${await assertReadsState(shell("acme", "beta"))}\n`);
  });

  it("an image bump: the pre-update Job's snapshot holds what the app wrote, and the new pod starts on the same volume", async function () {
    this.timeout(25 * 60_000);
    const marker = `written before the bump ${Date.now()}`;
    await shell("acme", "alpha").writeWorkspaceFile("before-bump.txt", marker);
    const volumeBefore = (await kube.get("pvc", "openclaw-acme", "alpha-data"))?.spec?.volumeName;
    tag = NEXT_TAG;
    const result = await up("an image bump");
    const snapshot = /acme\/alpha: pre-update snapshot complete: (backups\/acme\/alpha\/pre-update\/\d{8}T\d{6}Z)/.exec(result.output)?.[1];
    assert.ok(snapshot !== undefined, `no pre-update snapshot of acme/alpha:\n${result.output}`);
    const outputs = JSON.parse((await project.ok(["stack", "output", "-s", STACK, "--json", "preUpdateSnapshots"])).stdout) as Record<
      string,
      string
    >;
    assert.equal(outputs["acme/alpha"], snapshot, "the stack output preUpdateSnapshots does not name it");
    const restored = await restoreOnHost("acme", "alpha", snapshot);
    assert.equal(
      readFileSync(join(restored, "workspace", "before-bump.txt"), "utf8"),
      marker,
      "the pre-update snapshot lacks what the app wrote",
    );
    const running = await pod("acme", "alpha");
    const image = (
      (running?.spec as { containers: { name: string; image: string }[] }).containers.find((c) => c.name === "openclaw") ?? { image: "" }
    ).image;
    assert.ok(image.endsWith(`:${NEXT_TAG}`), `alpha runs ${image}`);
    assert.equal(
      (await kube.get("pvc", "openclaw-acme", "alpha-data"))?.spec?.volumeName,
      volumeBefore,
      "alpha's claim is on another volume",
    );
    const read = await kubectlResult([
      "exec",
      "-n",
      "openclaw-acme",
      "alpha-0",
      "-c",
      "openclaw",
      "--",
      "cat",
      "/home/node/.openclaw/workspace/before-bump.txt",
    ]);
    assert.equal(read.stdout, marker);
  });

  it("removing an instance: its pre-delete snapshot restores into a clone that starts and lists the state", async function () {
    this.timeout(30 * 60_000);
    assert.ok(tenants.acme, "tenant acme is up");
    const { beta: _removed, ...rest } = tenants.acme;
    tenants = { ...tenants, acme: rest };
    const removal = await up("the removal of beta");
    const snapshot = /acme\/beta: pre-delete snapshot complete: (backups\/acme\/beta\/pre-delete\/\d{8}T\d{6}Z)/.exec(removal.output)?.[1];
    assert.ok(snapshot !== undefined, `no pre-delete snapshot of acme/beta:\n${removal.output}`);
    tenants = { ...tenants, acme: { ...tenants.acme, delta: { backup: { restoreFrom: snapshot } } } };
    await up("a clone of the removed beta");
    process.stderr.write(`      the clone of the removed beta lists ${await assertReadsState(shell("acme", "delta"))}\n`);
  });

  it("pulumi destroy --run-program: every instance's pre-delete snapshot is taken from its real volume and restores", async function () {
    this.timeout(30 * 60_000);
    const result = await project.pulumi(["destroy", "-s", STACK, "--yes", "--skip-preview", "--run-program"], { timeoutMs: 25 * 60_000 });
    assert.equal(result.code, 0, `${result.output}\n${await diagnostics()}`);
    for (const [tenant, instances] of Object.entries(tenants)) {
      for (const instance of Object.keys(instances)) {
        const snapshot = new RegExp(
          `${tenant}/${instance}: pre-delete snapshot complete: (backups/${tenant}/${instance}/pre-delete/\\d{8}T\\d{6}Z)`,
        ).exec(result.output)?.[1];
        assert.ok(snapshot !== undefined, `no pre-delete snapshot of ${tenant}/${instance}`);
        const restored = await restoreOnHost(tenant, instance, snapshot);
        assert.ok(existsSync(join(restored, "openclaw.json")), `${snapshot} restores no openclaw.json`);
        if (tenant === "acme" && instance !== "alpha")
          assert.match(
            readFileSync(join(restored, "workspace", "memory", "fleet.md"), "utf8"),
            /cerulean/,
            `${snapshot} lacks the restored state`,
          );
      }
    }
  });

  it("stops and leaves the machine as it found it", async function () {
    this.timeout(240_000);
    assert.ok(node !== undefined);
    await node.stop();
    await volumes?.stop();
    assert.deepEqual(mountsUnder(nodeDir), []);
    assert.equal(existsSync("/sys/class/net/ocf-e2e0"), false, "the bridge is still there");
  });
});
