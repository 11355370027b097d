/**
 * A Kubernetes control plane on 127.0.0.1 for one run of the end-to-end
 * suite: etcd, kube-apiserver (RBAC, Pod Security admission on, as on any
 * cluster), kube-controller-manager, kube-scheduler, and kwok in place of
 * kubelets and a storage provisioner (see kwok-stages.yaml). Every process is
 * started and stopped here, by process group; the certificates and data live
 * in the run's folder.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCerts, writeKubeconfig, type ControlPlaneCerts } from "./certs";
import { freePort } from "../../support/ports";
import { startManaged, waitFor, type Managed } from "./processes";

export const E2E_CONTEXT = "openclaw-e2e";
/** The default StorageClass kwok provisions for. */
export const E2E_STORAGE_CLASS = "e2e-standard";
/** Label of the fake nodes kwok manages. */
export const FAKE_NODE_LABEL = "openclaw-e2e/fake-node";

export interface ControlPlane {
  readonly server: string;
  readonly kubeconfig: string;
  readonly certs: ControlPlaneCerts;
  /** kubectl against this control plane; rejects with its stderr on a non-zero exit. */
  kubectl(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** The log files of the processes, for a failure message. */
  logs(): Record<string, string>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** The toolchain's bin folder (kube-apiserver, etcd, kwok, kubectl, …). */
  readonly binDir: string;
  /** Where certificates, etcd data and logs go. */
  readonly dir: string;
  /** Fake nodes to create. */
  readonly nodes?: number;
}

/**
 * A fake node on which every Job pod fails (exit 6), cordoned until a test
 * sends pods there (uncordon it, cordon the others) to make a Job fail.
 */
export const BROKEN_NODE = "e2e-node-broken";

function httpsReady(server: string, certs: ControlPlaneCerts, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}${path}`,
      { ca: readFileSync(certs.caCert), cert: readFileSync(certs.adminCert), key: readFileSync(certs.adminKey), timeout: 5000 },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve(res.statusCode === 200 && body.trim() === "ok"));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { binDir, dir } = options;
  const bin = (name: string) => join(binDir, name);
  const logDir = join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const certs = makeCerts(mkdirAndReturn(join(dir, "pki")));
  const started: Managed[] = [];
  const logFile = (name: string) => join(logDir, `${name}.log`);
  const env = { ...process.env, KUBECONFIG: "" };

  const stop = async () => {
    // Reverse order: kwok and the controllers before the API server, etcd last.
    for (const p of [...started].reverse()) await p.stop();
  };

  try {
    const [etcdClient, etcdPeer, apiPort, kwokPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startManaged(
      "etcd",
      bin("etcd"),
      [
        "--name=e2e",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
        "--listen-metrics-urls=",
        // A throw-away cluster: durability is not worth the fsyncs on a noisy machine.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      { logFile: logFile("etcd"), env },
    );
    started.push(etcd);
    await waitFor("etcd", async () => (await fetch(`${etcdUrl}/health`)).ok, { timeoutMs: 30_000, process: etcd });

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startManaged(
      "kube-apiserver",
      bin("kube-apiserver"),
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        // The `kubernetes` Service cannot point at a loopback address; nothing in the cluster calls it.
        "--endpoint-reconciler-type=none",
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, "pki")}`,
        `--tls-cert-file=${certs.serverCert}`,
        `--tls-private-key-file=${certs.serverKey}`,
        `--client-ca-file=${certs.caCert}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${certs.serviceAccountPub}`,
        `--service-account-signing-key-file=${certs.serviceAccountKey}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        // A real node (support/node.ts) serves on its InternalIP with a certificate of the run's CA; kwok's
        // fake nodes are never called for logs or exec.
        `--kubelet-client-certificate=${certs.kubeletClientCert}`,
        `--kubelet-client-key=${certs.kubeletClientKey}`,
        `--kubelet-certificate-authority=${certs.caCert}`,
        "--kubelet-preferred-address-types=InternalIP",
        "--authorization-mode=RBAC",
        // PodSecurity is among the default admission plugins; named here so that the suite says what it relies on.
        "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,PodSecurity",
        "--allow-privileged=false",
        "--profiling=false",
        "--v=1",
      ],
      { logFile: logFile("kube-apiserver"), env },
    );
    started.push(apiserver);
    await waitFor("kube-apiserver /readyz", () => httpsReady(server, certs, "/readyz"), {
      timeoutMs: 120_000,
      process: apiserver,
      intervalMs: 500,
    });

    const kubeconfig = join(dir, "kubeconfig");
    writeKubeconfig(kubeconfig, certs, server, E2E_CONTEXT);

    const controllerManager = startManaged(
      "kube-controller-manager",
      bin("kube-controller-manager"),
      [
        `--kubeconfig=${kubeconfig}`,
        "--leader-elect=false",
        "--secure-port=0",
        `--service-account-private-key-file=${certs.serviceAccountKey}`,
        `--root-ca-file=${certs.caCert}`,
        "--use-service-account-credentials=false",
        // No kubelets report heartbeats: without this, nodes turn NotReady and their pods are evicted.
        "--controllers=*,-node-lifecycle-controller",
        "--concurrent-statefulset-syncs=10",
        "--v=1",
      ],
      { logFile: logFile("kube-controller-manager"), env },
    );
    started.push(controllerManager);
    const scheduler = startManaged(
      "kube-scheduler",
      bin("kube-scheduler"),
      [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0", "--v=1"],
      { logFile: logFile("kube-scheduler"), env },
    );
    started.push(scheduler);

    const stagesFile = join(__dirname, "kwok-stages.yaml");
    const kwok = startManaged(
      "kwok",
      bin("kwok"),
      [
        `--kubeconfig=${kubeconfig}`,
        `--config=${stagesFile}`,
        "--manage-all-nodes=false",
        `--manage-nodes-with-label-selector=${FAKE_NODE_LABEL}=true`,
        `--server-address=127.0.0.1:${kwokPort}`,
        "--node-ip=127.0.0.1",
        "--cidr=10.244.0.0/16",
      ],
      { logFile: logFile("kwok"), env },
    );
    started.push(kwok);

    const kubectl = (args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}) =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(
          bin("kubectl"),
          [`--kubeconfig=${kubeconfig}`, ...args],
          { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env },
          (error, stdout, stderr) => {
            if (error) reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || error.message}`));
            else resolve(stdout);
          },
        );
        if (opts.input !== undefined) child.stdin?.end(opts.input);
      });

    await kubectl(["apply", "-f", "-"], { input: clusterObjects(options.nodes ?? 1) });
    await waitFor(
      "fake nodes Ready",
      async () => {
        const out = await kubectl([
          "get",
          "nodes",
          "-l",
          `${FAKE_NODE_LABEL}=true`,
          "-o",
          "jsonpath={range .items[*]}{.status.conditions[?(@.type=='Ready')].status}{'\\n'}{end}",
        ]);
        const statuses = out.trim().split("\n").filter(Boolean);
        return statuses.length === (options.nodes ?? 1) + 1 && statuses.every((s) => s === "True");
      },
      { timeoutMs: 60_000, process: kwok },
    );
    // Admission taints a new node not-ready; the node-lifecycle controller that would lift it is off (above).
    await kubectl(["taint", "nodes", "-l", `${FAKE_NODE_LABEL}=true`, "node.kubernetes.io/not-ready:NoSchedule-"]).catch((error: Error) => {
      if (!/not found/.test(error.message)) throw error;
    });
    // The default ServiceAccount of a namespace is made by the controller-manager; wait until it works.
    await waitFor(
      "controller-manager",
      async () => (await kubectl(["get", "serviceaccount", "default", "-n", "default", "-o", "name"])).trim() !== "",
      {
        timeoutMs: 60_000,
        process: controllerManager,
      },
    );

    return {
      server,
      kubeconfig,
      certs,
      kubectl,
      logs: () => Object.fromEntries(started.map((p) => [p.name, p.logFile])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function mkdirAndReturn(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/** The fake nodes and the default StorageClass. */
function clusterObjects(nodes: number): string {
  const docs = [
    [
      "apiVersion: storage.k8s.io/v1",
      "kind: StorageClass",
      "metadata:",
      `  name: ${E2E_STORAGE_CLASS}`,
      "  annotations:",
      '    storageclass.kubernetes.io/is-default-class: "true"',
      "provisioner: e2e.openclaw.io/fake",
      "reclaimPolicy: Delete",
      "volumeBindingMode: Immediate",
      "allowVolumeExpansion: true",
    ].join("\n"),
  ];
  for (let i = 0; i <= nodes; i++) {
    const name = i < nodes ? `e2e-node-${i}` : BROKEN_NODE;
    docs.push(
      [
        "apiVersion: v1",
        "kind: Node",
        "metadata:",
        `  name: ${name}`,
        "  labels:",
        `    ${FAKE_NODE_LABEL}: "true"`,
        "    kubernetes.io/os: linux",
        "    kubernetes.io/arch: amd64",
        `    kubernetes.io/hostname: ${name}`,
        `    topology.kubernetes.io/zone: e2e-zone-${i % 3}`,
        "  annotations:",
        "    kwok.x-k8s.io/node: fake",
        i < nodes ? "spec: {}" : "spec: { unschedulable: true }",
      ].join("\n"),
    );
  }
  return docs.join("\n---\n") + "\n";
}

/** For a test to write an object file next to the run's logs. */
export function writeRunFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
