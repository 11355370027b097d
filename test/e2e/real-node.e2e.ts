import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane, type ControlPlane } from "./support/control-plane";
import { mountsUnder, run } from "./support/host";
import { NFT_TABLE } from "./support/node-config";
import { Kube } from "./support/kube";
import { REAL_NODE_LABEL, REAL_NODE_TAINT, startRealNode, type RealNode } from "./support/node";
import { realNodePod } from "./support/real-node-pod";
import { nodeBin } from "./support/toolchain";
import { busyboxRootfs, writeOciArchive } from "./support/oci-image";
import { waitFor } from "./support/processes";
import { e2eSuite } from "./support/suite";
import { appImage, backupImage, imagesConfig } from "./images";
import { kubernetesObjects, minimalStack, runProgram } from "../support/stacks";

const NS = "e2e-real";
const IMAGE = "localhost/openclaw-e2e/busybox:1";
/** What the scenario reads of the program's rendered pod template. */
interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort: number }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; persistentVolumeClaim?: unknown }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  securityContext?: { runAsUser?: number };
}
const cacheRoot = process.env.OPENCLAW_FLEET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "openclaw-fleet");

/** Pod Security `restricted`, read-only root, on the real node only (its taint and label). */
/**
 * A real kubelet, containerd and runc beside kwok's fake nodes: a pod runs a static busybox under
 * Pod Security `restricted` with a read-only root, a second pod reaches it through a ClusterIP
 * Service (kube-proxy) by address and by name (CoreDNS), a NetworkPolicy (kube-router) cuts that connection and removing it gives
 * it back, `kubectl exec` and `kubectl logs` go through the API server to the kubelet, and stopping
 * the node leaves the machine as it was. Then the program's own rendered instance pod (init
 * container, postStart hook, probes, securityContext, mounts), changed only to land on the real node,
 * use the imported image and an emptyDir per claim, runs the OpenClaw gateway built here to Ready.
 */
describe("e2e: a real node beside the fake ones", function () {
  const ctx = e2eSuite("real-node");
  let plane: ControlPlane | undefined;
  let node: RealNode | undefined;
  let nodeDir = "";
  let kube: Kube;
  let clusterIP = "";

  const kubectl = (args: readonly string[], input?: string, timeoutMs = 30_000) => {
    if (plane === undefined) throw new Error("no control plane");
    return plane.kubectl(args, { input, timeoutMs });
  };
  /**
   * An HTTP GET from the client pod with busybox's nc (Debian's static busybox wget crashes in
   * glibc's static getaddrinfo); resolves to the response, rejects when the connection fails.
   */
  const fetchFromClient = (host: string) =>
    kubectl(["exec", "-n", NS, "client", "--", "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80`]);
  const reachable = async (host: string) => {
    try {
      return (await fetchFromClient(host)).includes("hello from the real node");
    } catch {
      return false;
    }
  };

  /** A new namespace, once its default ServiceAccount (which pods need) exists. */
  const createNamespace = async (name: string) => {
    await kubectl(["create", "namespace", name]);
    await kube.waitFor(
      `${name}/default ServiceAccount`,
      async () => (await kube.get("serviceaccount", name, "default")) !== undefined,
      60_000,
    );
  };

  before(async function () {
    // A cold build of the node takes tens of minutes; a warm one, under a second.
    this.timeout(90 * 60_000);
    const binDir = await nodeBin();
    plane = await startControlPlane({ binDir: ctx.bin, dir: join(ctx.dir, "plane") });
    kube = new Kube(plane);
    // A short folder of its own: containerd's shim sockets live under it.
    nodeDir = mkdtempSync(join(tmpdir(), "ocf-node-"));
    node = await startRealNode({ binDir, dir: nodeDir, controlPlane: plane });
    const { rootfs } = await busyboxRootfs(join(cacheRoot, "node-images"));
    await writeOciArchive({ name: IMAGE, rootfs, entrypoint: ["/bin/sh"] }, join(ctx.dir, "busybox.tar"));
    await node.importImage(join(ctx.dir, "busybox.tar"));
  });

  after(async function () {
    this.timeout(180_000);
    try {
      await node?.stop();
      if (nodeDir !== "") rmSync(nodeDir, { recursive: true, force: true });
    } catch (error) {
      process.stdout.write(`      the real node did not stop cleanly; kept ${nodeDir}: ${(error as Error).message}\n`);
    }
    await plane?.stop();
  });

  it("registers a Ready node that kwok leaves alone, while kwok's fake nodes still run their pods", async function () {
    this.timeout(120_000);
    const real = await kube.get("node", undefined, node?.name ?? "");
    assert.ok(real !== undefined, "the real node is not registered");
    assert.equal(real.metadata.labels?.["openclaw-e2e/fake-node"], undefined, "kwok would manage the real node");
    assert.equal(real.metadata.annotations?.["kwok.x-k8s.io/node"], undefined);
    const info = (real.status as { nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string } }).nodeInfo;
    assert.equal(info?.kubeletVersion, "v1.37.2");
    assert.match(info?.containerRuntimeVersion ?? "", /^containerd:\/\/2\.4\.2/);
    // A pod for a fake node still becomes Running through kwok.
    await createNamespace("e2e-fake");
    await kubectl([
      "run",
      "fake",
      "-n",
      "e2e-fake",
      "--image=example.invalid/none:1",
      "--overrides",
      JSON.stringify({ spec: { nodeName: "e2e-node-0" } }),
    ]);
    await kube.waitFor(
      "the fake node's pod Running",
      async () => ((await kube.get("pod", "e2e-fake", "fake"))?.status as { phase?: string } | undefined)?.phase === "Running",
      60_000,
    );
  });

  it("runs a static busybox under Pod Security restricted with a read-only root, and serves it through a ClusterIP Service", async function () {
    this.timeout(240_000);
    await createNamespace(NS);
    await kubectl([
      "label",
      "namespace",
      NS,
      "pod-security.kubernetes.io/enforce=restricted",
      "pod-security.kubernetes.io/enforce-version=latest",
    ]);
    await kubectl(["create", "configmap", "www", "-n", NS, "--from-literal=index.html=hello from the real node"]);
    const server = realNodePod({
      namespace: NS,
      name: "server",
      labels: { app: "server" },
      image: IMAGE,
      command: ["/bin/sh", "-c", "echo server-started; exec httpd -f -v -p 8080 -h /www"],
      volumes: [{ name: "www", configMap: { name: "www" } }],
      volumeMounts: [{ name: "www", mountPath: "/www", readOnly: true }],
      ports: [{ containerPort: 8080, name: "http" }],
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    });
    const client = realNodePod({ namespace: NS, name: "client", labels: { app: "client" }, image: IMAGE, command: ["/bin/sleep", "3600"] });
    // Strict: a Pod Security warning fails the apply.
    await kubectl(
      ["apply", "--warnings-as-errors", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: [server, client] }),
    );
    await kubectl(["expose", "pod", "server", "-n", NS, "--port=80", "--target-port=8080", "--name=server"]);
    await kubectl(["wait", "-n", NS, "--for=condition=Ready", "pod/server", "pod/client", "--timeout=150s"], undefined, 160_000).catch(
      async (error: Error) => {
        throw new Error(`${error.message}\n${await kubectl(["describe", "pods", "-n", NS]).catch(() => "")}`);
      },
    );
    const serverPod = await kube.get("pod", NS, "server");
    assert.equal((serverPod?.status as { hostIP?: string }).hostIP, node?.gateway, "the server pod is not on the real node");
    clusterIP = (await kubectl(["get", "service", "server", "-n", NS, "-o", "jsonpath={.spec.clusterIP}"])).trim();
    await waitFor("the Service reachable from the client pod", () => reachable(clusterIP), { timeoutMs: 60_000, intervalMs: 500 });
    // By name, through the cluster DNS (CoreDNS on the node's address, the pods' only resolver).
    const lookup = await kubectl([
      "exec",
      "-n",
      NS,
      "client",
      "--",
      "sh",
      "-c",
      `nslookup -type=a server.${NS}.svc.cluster.local 2>&1; true`,
    ]);
    assert.match(lookup, new RegExp(`Address:\\s*${clusterIP.replace(/\./g, "\\.")}\\s*$`, "m"), lookup);
    assert.ok(await reachable("server"), "the Service is not reachable by its short name");
    // The pod network has no way off the machine: no default route in a pod, and the fence in place.
    const routes = await kubectl(["exec", "-n", NS, "client", "--", "cat", "/proc/net/route"]);
    assert.ok(
      !routes
        .split("\n")
        .slice(1)
        .some((line) => line.split(/\s+/)[1] === "00000000"),
      `a pod has a default route:\n${routes}`,
    );
    const fence = await run("nft", ["list", "table", "inet", NFT_TABLE]);
    assert.match(fence, /iifname "ocf-e2e0" oifname != "ocf-e2e0" drop/);
    assert.match(await kubectl(["exec", "-n", NS, "client", "--", "id"]), /uid=65534/);
    await assert.rejects(kubectl(["exec", "-n", NS, "client", "--", "sh", "-c", "echo x > /written"]), /Read-only file system/);
  });

  it("enforces a NetworkPolicy: denying ingress cuts the connection, removing the policy gives it back", async function () {
    this.timeout(180_000);
    assert.ok(await reachable(clusterIP), "the Service is not reachable before the policy");
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "deny-ingress", namespace: NS },
        spec: { podSelector: { matchLabels: { app: "server" } }, policyTypes: ["Ingress"] },
      }),
    );
    await waitFor("the connection refused by the policy", async () => !(await reachable(clusterIP)), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    // Not a dead server: the kubelet's probe (from the node) still passes, and the policy still holds.
    await kubectl(["wait", "-n", NS, "--for=condition=Ready", "pod/server", "--timeout=10s"]);
    assert.equal(await reachable(clusterIP), false, "the policy let the connection through");
    await kubectl(["delete", "networkpolicy", "deny-ingress", "-n", NS]);
    await waitFor("the connection back once the policy is gone", () => reachable(clusterIP), { timeoutMs: 60_000, intervalMs: 500 });
  });

  it("kubectl logs and exec reach the kubelet through the API server", async function () {
    this.timeout(60_000);
    assert.match(await kubectl(["logs", "-n", NS, "server"]), /server-started/);
    assert.equal((await kubectl(["exec", "-n", NS, "server", "--", "cat", "/www/index.html"])).trim(), "hello from the real node");
  });

  it("the program's rendered app container runs on the real node: the OpenClaw gateway built here becomes Ready through its rendered readiness probe", async function () {
    this.timeout(600_000);
    assert.ok(node !== undefined);
    const app = await appImage();
    await node.importImage(app.archive);
    // The program renders one instance pointed at the suite's images (never by editing what it renders);
    // imagesConfig() wants the backup image too (built, cached, never imported: backups are off here).
    const objects = kubernetesObjects(await runProgram(minimalStack({}, { images: imagesConfig({ app, backup: await backupImage() }) })));
    const sts = objects.find((o) => o.kind === "StatefulSet");
    assert.ok(sts !== undefined, "no StatefulSet rendered");
    const ns = sts.metadata.namespace ?? "";
    const template = (
      sts.spec as { template: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec } }
    ).template;
    const spec = template.spec;
    const main = spec.containers[0];
    assert.equal(main?.image, app.reference);
    // What the pod refers to, as rendered: its namespace (Pod Security `restricted`), ServiceAccount, ConfigMaps, Secrets.
    const namespace = objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns);
    assert.equal((namespace?.metadata.labels as Record<string, string> | undefined)?.["pod-security.kubernetes.io/enforce"], "restricted");
    const referenced = objects.filter((o) => o.metadata.namespace === ns && ["ServiceAccount", "ConfigMap", "Secret"].includes(o.kind));
    await kubectl(["apply", "-f", "-"], JSON.stringify(namespace));
    await kube.waitFor(`${ns}/default ServiceAccount`, async () => (await kube.get("serviceaccount", ns, "default")) !== undefined, 60_000);
    await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: referenced }));
    // The template as rendered, but for: the real node (label, taint), the imported image (no registry), and an
    // emptyDir for each claim (the node has no volume provisioner).
    const local = (c: Container) => ({ ...c, imagePullPolicy: "Never" });
    const gateway = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "openclaw", namespace: ns, labels: template.metadata.labels, annotations: template.metadata.annotations },
      spec: {
        ...spec,
        nodeSelector: { ...spec.nodeSelector, [REAL_NODE_LABEL]: "true" },
        tolerations: [...(spec.tolerations ?? []), { key: REAL_NODE_TAINT, operator: "Exists", effect: "NoSchedule" }],
        containers: spec.containers.map(local),
        initContainers: spec.initContainers?.map(local),
        volumes: spec.volumes?.map((v) => (v.persistentVolumeClaim !== undefined ? { name: v.name, emptyDir: {} } : v)),
      },
    };
    try {
      await kubectl(["apply", "--warnings-as-errors", "-f", "-"], JSON.stringify(gateway));
      await kubectl(["wait", "-n", ns, "--for=condition=Ready", "pod/openclaw", "--timeout=300s"], undefined, 310_000).catch(
        async (error: Error) => {
          const logs = await kubectl(["logs", "-n", ns, "openclaw", "--all-containers", "--tail=60"]).catch(() => "");
          throw new Error(`${error.message}\n${await kubectl(["describe", "pod", "-n", ns, "openclaw"]).catch(() => "")}\n${logs}`);
        },
      );
      const running = await kube.get("pod", ns, "openclaw");
      assert.equal((running?.status as { hostIP?: string }).hostIP, node.gateway, "the gateway pod is not on the real node");
      const exec = (command: string[]) => kubectl(["exec", "-n", ns, "openclaw", "-c", main.name, "--", ...command]);
      assert.equal(
        (await exec(["id", "-u"])).trim(),
        String(spec.securityContext?.runAsUser),
        "the container does not run as the rendered uid",
      );
      // The gateway answers on its rendered port, from inside the pod (the image's own node).
      const port = main.ports?.find((p) => p.name === "gateway")?.containerPort;
      assert.ok(port !== undefined, "no gateway port rendered");
      const health = await exec([
        "node",
        "-e",
        `fetch("http://127.0.0.1:${port}/healthz").then(async (r) => console.log(r.status, await r.text()))`,
      ]);
      assert.match(health, /^200\b/, health);
    } finally {
      await kubectl(["delete", "pod", "openclaw", "-n", ns, "--grace-period=1", "--ignore-not-found", "--timeout=60s"], undefined, 70_000);
      await kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
    }
  });

  it("stops and leaves the machine as it found it", async function () {
    this.timeout(180_000);
    assert.ok(node !== undefined);
    await node.stop();
    assert.deepEqual(mountsUnder(nodeDir), []);
    assert.equal(existsSync("/sys/class/net/ocf-e2e0"), false, "the bridge is still there");
  });
});
