/**
 * A real node beside kwok's fake ones: containerd (with runc and the CNI plugins), the kubelet,
 * kube-proxy (iptables), CoreDNS (cluster DNS, on the host) and kube-router's NetworkPolicy
 * firewall, from test/e2e/node/build.sh,
 * each started and stopped by process group. Needs root.
 *
 * The pod network is a bridge the suite makes, with no route off the machine and no masquerade,
 * fenced by an nftables table of our own (node-config.ts). The bridge's address is the node's
 * InternalIP: the kubelet serves there (a loopback address is refused as a node IP) with a
 * certificate of the run's CA, which the API server checks. The node is tainted and labelled
 * `openclaw-e2e/real-node`, so only pods that ask for it land there; kwok manages only nodes
 * labelled `openclaw-e2e/fake-node` and never this one.
 *
 * stop() puts the machine back: pods' processes and shims killed, mounts under the node's folder
 * unmounted, veths and the bridge deleted, cgroups removed, every iptables/nftables/ipset object
 * and sysctl the run added or changed put back (host-state.ts); it throws, naming what is left,
 * if anything is.
 */
import { Resolver } from "node:dns/promises";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../support/ports";
import { signServingCert } from "./certs";
import type { ControlPlane } from "./control-plane";
import { cgroupPids, haveCommand, isRoot, killPids, makeCgroupRoot, mountsUnder, pidsWithCommandLine, removeCgroupTree, run } from "./host";
import { HostState } from "./host-state";
import {
  CNI_NETWORK,
  cniConfig,
  containerdConfig,
  corefile,
  kubeletConfig,
  kubeProxyConfig,
  NFT_TABLE,
  nftFence,
  REAL_NODE_TAINT,
  type NodeLayout,
} from "./node-config";
import { writeOciArchive } from "./oci-image";
import { onInterrupt, startManaged, waitFor, type Managed } from "./processes";

export { REAL_NODE_TAINT };
export const REAL_NODE_LABEL = "openclaw-e2e/real-node";
const SANDBOX_IMAGE = "localhost/openclaw-e2e/pause:1";
const CNI_STATE = "/var/lib/cni";
// The kubelet makes these whatever its root folder (device-plugin sockets, container log links).
const KUBELET_FIXED_PATHS = ["/var/lib/kubelet", "/var/log/containers"];

export interface RealNodeOptions {
  /** The folder test/e2e/node/build.sh printed. */
  readonly binDir: string;
  /** The node's own folder; keep it short (containerd's shim sockets live under it: 42 characters at most). */
  readonly dir: string;
  readonly controlPlane: ControlPlane;
  readonly name?: string;
  /** A /24 no route of the machine uses; its .1 is the bridge's address. */
  readonly podCidr?: string;
  readonly bridge?: string;
}

export interface RealNode {
  readonly name: string;
  readonly gateway: string;
  readonly podCidr: string;
  /** Imports an OCI image archive into the runtime's Kubernetes namespace. */
  importImage(archive: string): Promise<void>;
  /** Gives an imported image another name (a new tag of the same bytes: an image bump with nothing to pull). */
  tagImage(source: string, target: string): Promise<void>;
  logs(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  if (!isRoot()) throw new Error("a real node needs root (containerd, runc, the bridge, iptables)");
  for (const command of ["ip", "nft", "iptables-save", "iptables-restore", "ipset", "tar", "umount"])
    if (!(await haveCommand(command)))
      throw new Error(`a real node needs ${command}: apt-get install iptables nftables ipset iproute2 tar mount`);
  const podCidr = options.podCidr ?? "10.199.0.0/24";
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(podCidr);
  if (m === null) throw new Error(`podCidr must be a /24 ending in .0, not ${podCidr}`);
  const name = options.name ?? "e2e-node-real";
  const dir = options.dir;
  const layout: NodeLayout = {
    dir,
    name,
    bridge: options.bridge ?? "ocf-e2e0",
    podCidr,
    gateway: `${m[1]}.1`,
    serviceCidr: "10.96.0.0/16",
    cgroupRoot: `openclaw-e2e-${process.pid}`,
    binDir: options.binDir,
    sandboxImage: SANDBOX_IMAGE,
    containerdSocket: join(dir, "containerd.sock"),
    shimSocketDir: join(dir, "s"),
  };
  if (layout.shimSocketDir.length > 42) throw new Error(`the node's folder ${dir} is too long for containerd's shim sockets`);
  if ((await run("ip", ["-o", "link", "show", "dev", layout.bridge]).catch(() => "")) !== "")
    throw new Error(
      `${layout.bridge} exists already: an interrupted run (its after hooks skipped) left its network behind. Clean up with ` +
        `ip link del ${layout.bridge}; nft delete table inet ${NFT_TABLE}; kube-proxy --cleanup; kube-router --cleanup-config (from test/e2e/node/build.sh's folder), ` +
        `and set back kernel.panic, kernel.panic_on_oops, vm.overcommit_memory and net.ipv4.ip_forward if they changed`,
    );
  if ((await run("ip", ["-o", "route", "show", "match", layout.gateway])).split("\n").some((r) => r !== "" && !r.startsWith("default")))
    throw new Error(`${podCidr} is routed on this machine already; choose another podCidr`);

  const host = await HostState.record();
  const foreign = host.foreignKubeChains();
  if (foreign.length > 0)
    throw new Error(`this machine runs Kubernetes networking already (${foreign.slice(0, 3).join(", ")}); a real node would rewrite it`);
  const cniStateExisted = existsSync(CNI_STATE);
  const kubeletPathsMade = KUBELET_FIXED_PATHS.filter((p) => !existsSync(p));
  const logDir = join(dir, "logs");
  for (const d of [logDir, join(dir, "cni", "net.d"), join(dir, "kubelet"), join(dir, "pod-logs"), join(dir, "volume-plugins")])
    mkdirSync(d, { recursive: true });
  const started: Managed[] = [];
  const logFile = (n: string) => join(logDir, `${n}.log`);
  const bin = (n: string) => join(options.binDir, n);
  const env = { ...process.env, KUBECONFIG: "", PATH: `${options.binDir}:${process.env.PATH ?? ""}` };
  const ctr = (args: readonly string[], timeoutMs = 60_000) =>
    run(bin("ctr"), ["--address", layout.containerdSocket, "-n", "k8s.io", ...args], { timeoutMs });
  const { kubectl } = options.controlPlane;

  let stopped: Promise<void> | undefined;
  // An interrupted suite (Ctrl-C, a CI timeout) skips its after hooks: the node's network, mounts and firewall go anyway.
  const forget = onInterrupt(() => stop());
  // One teardown at a time; a failed one may be tried again (every step is idempotent).
  const stop = () =>
    (stopped ??= teardown(layout, started, host, cniStateExisted, kubeletPathsMade).then(forget, (error: Error) => {
      stopped = undefined;
      throw error;
    }));

  try {
    await run("ip", ["link", "add", layout.bridge, "type", "bridge"]);
    await run("ip", ["addr", "add", `${layout.gateway}/24`, "dev", layout.bridge]);
    await run("ip", ["link", "set", layout.bridge, "up"]);
    writeFileSync(join(dir, "fence.nft"), nftFence(layout));
    await run("nft", ["-f", join(dir, "fence.nft")]);
    makeCgroupRoot(layout.cgroupRoot);

    writeFileSync(join(dir, "containerd.toml"), containerdConfig(layout));
    writeFileSync(join(dir, "cni", "net.d", "10-openclaw-e2e.conflist"), cniConfig(layout));
    writeFileSync(join(dir, "resolv.conf"), "# pods get the cluster DNS server only (clusterDNS); no upstream\n");
    const containerd = startManaged("containerd", bin("containerd"), ["--config", join(dir, "containerd.toml")], {
      logFile: logFile("containerd"),
      env,
    });
    started.push(containerd);
    await waitFor("containerd", async () => (await ctr(["version"], 5_000)) !== "", {
      timeoutMs: 60_000,
      process: containerd,
      intervalMs: 300,
    });

    // The sandbox ("pause") image: our own static pause binary (build.sh), nothing to pull.
    const pauseRoot = join(dir, "pause-rootfs");
    mkdirSync(pauseRoot, { recursive: true });
    await run("cp", [bin("pause"), join(pauseRoot, "pause")]);
    await writeOciArchive({ name: SANDBOX_IMAGE, rootfs: pauseRoot, entrypoint: ["/pause"] }, join(dir, "pause.tar"));
    await ctr(["images", "import", join(dir, "pause.tar")]);
    await ctr(["images", "label", SANDBOX_IMAGE, "io.cri-containerd.pinned=pinned"]);

    const tls = signServingCert(options.controlPlane.certs, `kubelet-${name}`, [layout.gateway]);
    const [kubeletPort, kubeletHealthz, proxyHealthz, proxyMetrics] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    writeFileSync(
      join(dir, "kubelet.json"),
      kubeletConfig(layout, { kubelet: kubeletPort, healthz: kubeletHealthz }, tls, options.controlPlane.certs.caCert),
    );
    const kubelet = startManaged(
      "kubelet",
      bin("kubelet"),
      [
        `--config=${join(dir, "kubelet.json")}`,
        `--kubeconfig=${options.controlPlane.kubeconfig}`,
        `--root-dir=${join(dir, "kubelet")}`,
        `--hostname-override=${name}`,
        `--node-ip=${layout.gateway}`,
        `--node-labels=${REAL_NODE_LABEL}=true`,
        "--v=2",
      ],
      { logFile: logFile("kubelet"), env },
    );
    started.push(kubelet);
    await waitFor(
      `node ${name} Ready`,
      async () =>
        (
          await kubectl(["get", "node", name, "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}"], { timeoutMs: 10_000 })
        ).trim() === "True",
      { timeoutMs: 180_000, process: kubelet, intervalMs: 500 },
    );
    // Admission taints a new node not-ready; the node-lifecycle controller that lifts it is off (control-plane.ts).
    await kubectl(["taint", "node", name, "node.kubernetes.io/not-ready:NoSchedule-"]).catch((error: Error) => {
      if (!/not found/.test(error.message)) throw error;
    });

    writeFileSync(
      join(dir, "kube-proxy.json"),
      kubeProxyConfig(layout, options.controlPlane.kubeconfig, { healthz: proxyHealthz, metrics: proxyMetrics }),
    );
    const proxy = startManaged("kube-proxy", bin("kube-proxy"), [`--config=${join(dir, "kube-proxy.json")}`, "--v=2"], {
      logFile: logFile("kube-proxy"),
      env,
    });
    started.push(proxy);
    await waitFor("kube-proxy synced", async () => (await fetch(`http://127.0.0.1:${proxyHealthz}/healthz`)).ok, {
      timeoutMs: 90_000,
      process: proxy,
      intervalMs: 500,
    });

    // Cluster DNS on the bridge's address (clusterDNS), answering for cluster.local only: no upstream.
    writeFileSync(join(dir, "Corefile"), corefile(layout.gateway, options.controlPlane.kubeconfig));
    const dns = startManaged("coredns", bin("coredns"), ["-conf", join(dir, "Corefile")], { logFile: logFile("coredns"), env });
    started.push(dns);
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([layout.gateway]);
    await waitFor(
      "coredns answering for Services",
      async () => (await resolver.resolve4("kubernetes.default.svc.cluster.local")).includes("10.96.0.1"),
      {
        timeoutMs: 60_000,
        process: dns,
        intervalMs: 500,
      },
    );

    const router = startManaged(
      "kube-router",
      bin("kube-router"),
      [
        `--kubeconfig=${options.controlPlane.kubeconfig}`,
        `--hostname-override=${name}`,
        "--run-firewall=true",
        "--run-router=false",
        "--run-service-proxy=false",
        "--enable-cni=false",
        "--enable-ipv6=false",
        "--health-port=0",
        "--metrics-port=0",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--v=2",
      ],
      { logFile: logFile("kube-router"), env },
    );
    started.push(router);
    await waitFor(
      "kube-router's firewall chains",
      async () => (await run("iptables-save", ["-t", "filter"])).includes(":KUBE-ROUTER-FORWARD"),
      {
        timeoutMs: 90_000,
        process: router,
        intervalMs: 500,
      },
    );

    return {
      name,
      gateway: layout.gateway,
      podCidr,
      importImage: async (archive) => void (await ctr(["images", "import", archive], 120_000)),
      tagImage: async (source, target) => void (await ctr(["images", "tag", "--force", source, target])),
      logs: () => Object.fromEntries(started.map((p) => [p.name, p.logFile])),
      stop,
    };
  } catch (error) {
    await stop().catch((cleanup: Error) => process.stderr.write(`real node cleanup after a failed start: ${cleanup.message}\n`));
    throw error;
  }
}

/** Idempotent: each step runs whatever the others did; errors are collected and thrown at the end. */
async function teardown(
  layout: NodeLayout,
  started: readonly Managed[],
  host: HostState,
  cniStateExisted: boolean,
  kubeletPathsMade: readonly string[],
): Promise<void> {
  const errors: string[] = [];
  const step = async (what: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (error) {
      errors.push(`${what}: ${(error as Error).message}`);
    }
  };
  // The enforcer, the proxy and the kubelet first (so that nothing restarts a container), containerd last.
  for (const p of [...started].reverse()) await step(`stop ${p.name}`, () => p.stop(10_000));
  // Pods' processes, then the shims (they left containerd's process group): both by PID.
  await step("kill the pods' processes and shims", async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pids = [...cgroupPids(layout.cgroupRoot), ...pidsWithCommandLine(layout.dir)];
      if (pids.length === 0) return;
      if (Date.now() > deadline) throw new Error(`still running: ${pids.join(", ")}`);
      killPids(pids);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await step("unmount under the node's folder", async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const mounts = mountsUnder(layout.dir);
      if (mounts.length === 0) return;
      if (Date.now() > deadline) throw new Error(`still mounted: ${mounts.join(", ")}`);
      for (const point of mounts) await run("umount", [point]).catch(() => run("umount", ["-l", point]).catch(() => undefined));
    }
  });
  await step("remove the pods' cgroups", async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = removeCgroupTree(layout.cgroupRoot);
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`still there: ${left.join(", ")}`);
      killPids(cgroupPids(layout.cgroupRoot));
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await step("delete the veths and the bridge", async () => {
    const ports = (await run("ip", ["-o", "link", "show", "master", layout.bridge]).catch(() => ""))
      .split("\n")
      .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined);
    for (const port of ports) await run("ip", ["link", "del", port]).catch(() => undefined);
    if ((await run("ip", ["-o", "link", "show", "dev", layout.bridge]).catch(() => "")) !== "")
      await run("ip", ["link", "del", layout.bridge]);
  });
  await step("remove the CNI cache entries", () => {
    if (!cniStateExisted) rmSync(CNI_STATE, { recursive: true, force: true });
    else {
      const results = join(CNI_STATE, "results");
      if (existsSync(results))
        for (const f of readdirSync(results)) if (f.startsWith(`${CNI_NETWORK}-`)) rmSync(join(results, f), { force: true });
    }
  });
  await step("remove what the kubelet made outside its root folder", () => {
    for (const path of kubeletPathsMade) rmSync(path, { recursive: true, force: true });
  });
  await step("put the machine's network and sysctls back", () => host.restore());
  await step("check that the machine is as it was", async () => {
    const left = await host.differences();
    if (left.length > 0) throw new Error(left.join("; "));
  });
  if (errors.length > 0) throw new Error(`the real node did not stop cleanly:\n  ${errors.join("\n  ")}`);
}
