import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { INTERNET, ipBlockPeers, METADATA_BLOCKS, PRIVATE_BLOCKS } from "../../config/egress-blocks";
import { instanceMetadata } from "../kube/metadata";
import { CANVAS_PORT, GATEWAY_PORT, WEB_TERMINAL_PORT } from "../../config/ports";

type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = { protocol: string; port: number };

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The API server's ports: 443 behind the `kubernetes` Service, 6443 on most control planes' endpoints. */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

function namespacePeer(names: readonly string[]): Peer {
  return { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: [...names].sort() }] } };
}

/** The cluster's resolver (`cluster.kubernetes.dns`). */
export interface ClusterDns {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly cidrs: readonly string[];
}

/** CoreDNS or kube-dns as most clusters run it. */
export const DEFAULT_CLUSTER_DNS: ClusterDns = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, cidrs: [] };

/**
 * DNS to the cluster's resolver only, over UDP and TCP: its pods, and the addresses a resolver
 * outside the pod network answers on (NodeLocal DNSCache), which no pod selector matches.
 */
export function dnsEgressRule(dns: ClusterDns = DEFAULT_CLUSTER_DNS): EgressRule {
  return {
    to: [
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace } }, podSelector: { matchLabels: { ...dns.podLabels } } },
      ...dns.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
}

/** Tailscale's STUN and WireGuard ports, for direct tailnet connections. */
export const TAILSCALE_UDP_PORTS = [3478, 41641];

/** The client ports other pods may reach: what the Service exposes, never the sidecars' local ports nor metrics. */
function clientPorts(instance: InstanceModel): Port[] {
  const spec = instance.spec;
  if (spec.service.ports !== undefined) return spec.service.ports.map((p) => ({ protocol: p.protocol, port: p.targetPort ?? p.port }));
  const ports = [
    { protocol: "TCP", port: GATEWAY_PORT },
    { protocol: "TCP", port: CANVAS_PORT },
  ];
  if (spec.webTerminal.enabled) ports.push({ protocol: "TCP", port: WEB_TERMINAL_PORT });
  return ports;
}

/**
 * Ingress: the client ports from the configured ingress controller
 * namespaces and CIDRs, and from the instances listed in
 * `allowedIngressInstances` (the only way another instance gets in); the
 * metrics port only from the configured namespaces (monitoring), never from
 * CIDRs (clients behind a load balancer). Nothing else: not even the other
 * pods of the tenant's namespace.
 */
function ingressRules(instance: InstanceModel): IngressRule[] {
  const policy = instance.spec.networkPolicy;
  const rules: IngressRule[] = [];
  const from: Peer[] = [];
  if (policy.allowedIngressNamespaces.length > 0) from.push(namespacePeer(policy.allowedIngressNamespaces));
  for (const cidr of policy.allowedIngressCIDRs) from.push({ ipBlock: { cidr } });
  for (const other of [...policy.allowedIngressInstances].sort())
    from.push({ podSelector: { matchLabels: selectorLabels(instance.tenant, other) } });
  if (from.length > 0) rules.push({ from, ports: clientPorts(instance) });
  const metrics = instance.spec.observability.metrics;
  if (metrics.enabled && instance.spec.service.ports === undefined && policy.allowedIngressNamespaces.length > 0) {
    rules.push({ from: [namespacePeer(policy.allowedIngressNamespaces)], ports: [{ protocol: "TCP", port: metrics.port }] });
  }
  return rules;
}

/**
 * Egress: DNS; HTTPS to the internet (or to `allowedEgressCIDRs`); Tailscale
 * when enabled; the API server only with `allowAPIServer`; and the configured
 * extra rules. Every ipBlock excepts the metadata and credential endpoints,
 * and the API server's addresses unless the instance opts in, so no rule
 * reaches them by accident.
 */
function egressRules(instance: InstanceModel, cluster: ClusterNetwork): EgressRule[] {
  const { apiServerCIDRs } = cluster;
  const policy = instance.spec.networkPolicy;
  const blocked = [...METADATA_BLOCKS, ...(policy.allowAPIServer ? [] : apiServerCIDRs)];
  const egress: EgressRule[] = [];
  if (policy.allowDNS) egress.push(dnsEgressRule(cluster.dns));
  const https =
    policy.allowedEgressCIDRs.length > 0
      ? ipBlockPeers(policy.allowedEgressCIDRs, blocked)
      : ipBlockPeers(INTERNET, [...blocked, ...PRIVATE_BLOCKS]);
  if (https.length > 0) egress.push({ to: https, ports: [{ protocol: "TCP", port: 443 }] });
  if (policy.allowAPIServer && apiServerCIDRs.length > 0) {
    egress.push({ to: ipBlockPeers(apiServerCIDRs, METADATA_BLOCKS), ports: API_SERVER_PORTS.map((port) => ({ protocol: "TCP", port })) });
  }
  if (instance.spec.tailscale.enabled) {
    egress.push({
      to: ipBlockPeers(INTERNET, [...blocked, ...PRIVATE_BLOCKS]),
      ports: TAILSCALE_UDP_PORTS.map((port) => ({ protocol: "UDP", port })),
    });
  }
  for (const rule of policy.additionalEgress) {
    const to: Peer[] = ipBlockPeers(rule.cidrs, blocked);
    if (rule.namespaces.length > 0) to.push(namespacePeer(rule.namespaces));
    // A rule whose every CIDR was blocked must not turn into "any destination".
    if (to.length === 0 && (rule.cidrs.length > 0 || rule.namespaces.length > 0)) continue;
    egress.push({ ...(to.length > 0 ? { to } : {}), ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })) });
  }
  return egress;
}

/** What of the cluster a NetworkPolicy names: `cluster.kubernetes.apiServerCIDRs` and `cluster.kubernetes.dns`. */
export interface ClusterNetwork {
  readonly apiServerCIDRs: readonly string[];
  readonly dns: ClusterDns;
}

/** Default deny for the instance's pods, then the ingress and egress above. */
export function buildNetworkPolicy(
  instance: InstanceModel,
  cluster: ClusterNetwork = { apiServerCIDRs: [], dns: DEFAULT_CLUSTER_DNS },
): k8s.types.input.networking.v1.NetworkPolicy | undefined {
  if (!instance.spec.networkPolicy.enabled) return undefined;
  const ingress = ingressRules(instance);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: instanceMetadata(instance, instance.names.networkPolicy),
    spec: {
      podSelector: { matchLabels: selectorLabels(instance.tenant, instance.name) },
      // Ingress listed with no rules denies all ingress (an empty `ingress` list is dropped by the API server).
      policyTypes: ["Ingress", "Egress"],
      ...(ingress.length > 0 ? { ingress } : {}),
      egress: egressRules(instance, cluster),
    },
  };
}
