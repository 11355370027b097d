/**
 * The configuration files of a real node (support/node.ts), as text: containerd's, the CNI
 * network's, the kubelet's, kube-proxy's, and the nftables table that fences the pod network.
 * Every path is under the node's own folder; nothing listens off 127.0.0.1 but the kubelet (and
 * the DNS server) on the pod bridge's own address, which the suite creates.
 */

export interface NodeLayout {
  /** The node's folder: containerd's root and state, the kubelet's root, logs, configs. */
  readonly dir: string;
  readonly name: string;
  /** The pod bridge, its /24 and its address (the gateway, the node's InternalIP, the DNS server). */
  readonly bridge: string;
  readonly podCidr: string;
  readonly gateway: string;
  readonly serviceCidr: string;
  /** The cgroup every pod's cgroup goes under, in every hierarchy (made and removed by the suite). */
  readonly cgroupRoot: string;
  readonly binDir: string;
  readonly sandboxImage: string;
  readonly containerdSocket: string;
  readonly shimSocketDir: string;
}

export const CNI_NETWORK = "openclaw-e2e-pods";
export const NFT_TABLE = "openclaw_e2e_node";
export const REAL_NODE_TAINT = "openclaw-e2e/real-node";

const toml = (s: string) => `'${s}'`;

export function containerdConfig(l: NodeLayout): string {
  return [
    "version = 3",
    `root = ${toml(`${l.dir}/containerd/root`)}`,
    `state = ${toml(`${l.dir}/containerd/state`)}`,
    "[grpc]",
    `  address = ${toml(l.containerdSocket)}`,
    "[ttrpc]",
    `  address = ${toml(`${l.containerdSocket}.ttrpc`)}`,
    "[debug]",
    "  level = 'info'",
    "[plugins]",
    // Shim sockets default to /run/containerd/s: the host's runtime folder.
    "  [plugins.'io.containerd.shim.v1.manager']",
    `    socket_dir = ${toml(l.shimSocketDir)}`,
    "  [plugins.'io.containerd.internal.v1.opt']",
    `    path = ${toml(`${l.dir}/containerd/opt`)}`,
    // NRI listens on /var/run/nri by default; nothing here uses it.
    "  [plugins.'io.containerd.nri.v1.nri']",
    "    disable = true",
    "  [plugins.'io.containerd.cri.v1.images']",
    "    snapshotter = 'overlayfs'",
    "    [plugins.'io.containerd.cri.v1.images'.pinned_images]",
    `      sandbox = ${toml(l.sandboxImage)}`,
    "  [plugins.'io.containerd.cri.v1.runtime']",
    "    enable_selinux = false",
    // Without CAP_SYS_RESOURCE (this machine's bounding set lacks it) runc cannot lower a
    // process's oom_score_adj below its parent's: the sandbox's -998 fails. Clamp instead.
    "    restrict_oom_score_adj = true",
    // Network namespaces are bind-mounted under the state folder, not /run/netns.
    "    netns_mounts_under_state_dir = true",
    "    [plugins.'io.containerd.cri.v1.runtime'.containerd]",
    "      default_runtime_name = 'runc'",
    "      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]",
    "        runtime_type = 'io.containerd.runc.v2'",
    "        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]",
    `          BinaryName = ${toml(`${l.binDir}/runc`)}`,
    // runc's state defaults to /run/containerd/runc.
    `          Root = ${toml(`${l.dir}/runc`)}`,
    "          SystemdCgroup = false",
    "    [plugins.'io.containerd.cri.v1.runtime'.cni]",
    `      bin_dirs = [${toml(`${l.binDir}/cni`)}]`,
    `      conf_dir = ${toml(`${l.dir}/cni/net.d`)}`,
    "  [plugins.'io.containerd.grpc.v1.cri']",
    "    stream_server_address = '127.0.0.1'",
    "    stream_server_port = '0'",
    "",
  ].join("\n");
}

/** bridge + host-local on the node's /24, portmap; no masquerade and no default route in pods. */
export function cniConfig(l: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: CNI_NETWORK,
      plugins: [
        {
          type: "bridge",
          bridge: l.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            dataDir: `${l.dir}/cni/ipam`,
            ranges: [[{ subnet: l.podCidr, gateway: l.gateway }]],
            // Pods route only to the pod network (on link) and to Services: nothing else has a route.
            routes: [{ dst: l.serviceCidr }],
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletConfig(
  l: NodeLayout,
  ports: { kubelet: number; healthz: number },
  tls: { cert: string; key: string },
  caCert: string,
): string {
  return JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      // This machine has cgroup v1 (hybrid); 1.35+ refuses it unless told.
      failCgroupV1: false,
      cgroupDriver: "cgroupfs",
      cgroupRoot: l.cgroupRoot,
      address: l.gateway,
      port: ports.kubelet,
      readOnlyPort: 0,
      healthzBindAddress: "127.0.0.1",
      healthzPort: ports.healthz,
      tlsCertFile: tls.cert,
      tlsPrivateKeyFile: tls.key,
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: caCert } },
      authorization: { mode: "Webhook" },
      containerRuntimeEndpoint: `unix://${l.containerdSocket}`,
      clusterDNS: [l.gateway],
      clusterDomain: "cluster.local",
      // The host's resolver must never reach a pod: pods get the cluster DNS server only.
      resolvConf: `${l.dir}/resolv.conf`,
      podLogsDir: `${l.dir}/pod-logs`,
      volumePluginDir: `${l.dir}/volume-plugins`,
      registerNode: true,
      registerWithTaints: [{ key: REAL_NODE_TAINT, value: "true", effect: "NoSchedule" }],
      failSwapOn: false,
      // A shared machine's disk and memory must not evict the suite's pods or its images.
      evictionHard: { "memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%" },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      maxPods: 30,
      serializeImagePulls: false,
      nodeStatusUpdateFrequency: "5s",
    },
    null,
    2,
  );
}

export function kubeProxyConfig(l: NodeLayout, kubeconfig: string, ports: { healthz: number; metrics: number }): string {
  return JSON.stringify(
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      clientConnection: { kubeconfig },
      hostnameOverride: l.name,
      mode: "iptables",
      clusterCIDR: l.podCidr,
      detectLocalMode: "ClusterCIDR",
      // NodePorts only on the pod bridge's address: never on the machine's own interfaces.
      nodePortAddresses: [`${l.gateway}/32`],
      healthzBindAddress: `127.0.0.1:${ports.healthz}`,
      metricsBindAddress: `127.0.0.1:${ports.metrics}`,
      // 0 = leave the machine's conntrack sysctls as they are.
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      iptables: { masqueradeAll: false, localhostNodePorts: false, syncPeriod: "10s", minSyncPeriod: "0s" },
    },
    null,
    2,
  );
}

/**
 * The fence around the pod network, in a table of our own with chains that run before any
 * iptables chain (priority -200) so that no ACCEPT elsewhere (kube-router's) can skip it: nothing
 * from the bridge leaves for another interface, nothing from another interface enters it, and
 * from the bridge the machine itself answers only on the bridge's own address (DNS, the kubelet).
 */
export function nftFence(l: NodeLayout): string {
  const br = `"${l.bridge}"`;
  return [
    `table inet ${NFT_TABLE} {`,
    "  chain forward {",
    "    type filter hook forward priority -200; policy accept;",
    `    iifname ${br} oifname != ${br} drop`,
    `    oifname ${br} iifname != ${br} drop`,
    "  }",
    "  chain input {",
    "    type filter hook input priority -200; policy accept;",
    `    iifname ${br} meta nfproto ipv6 drop`,
    `    iifname ${br} ip daddr != ${l.gateway} drop`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** CoreDNS for cluster.local only, on the bridge's address, reading Services through the control plane. */
export function corefile(gateway: string, kubeconfig: string): string {
  return [
    `cluster.local:53 {`,
    `  bind ${gateway}`,
    "  errors",
    "  kubernetes cluster.local {",
    `    kubeconfig ${kubeconfig}`,
    "    ttl 5",
    "  }",
    "}",
    "",
  ].join("\n");
}
