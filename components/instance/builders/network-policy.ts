import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { CANVAS_PORT, GATEWAY_PORT, WEB_TERMINAL_PORT } from "../ports";

type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

function namespacePeer(names: readonly string[]): Peer {
  return { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: [...names].sort() }] } };
}

/** DNS to the cluster resolver only (kube-system), over UDP and TCP. */
export function dnsEgressRule(): EgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
}

/** Tailscale's STUN and WireGuard ports, for direct tailnet connections. */
export const TAILSCALE_UDP_PORTS = [3478, 41641];

/** The container ports other pods may reach: what the Service exposes, never the sidecars' local ports. */
function ingressPorts(instance: InstanceModel): { protocol: string; port: number }[] {
  const spec = instance.spec;
  if (spec.service.ports !== undefined) return spec.service.ports.map((p) => ({ protocol: p.protocol, port: p.targetPort ?? p.port }));
  const ports = [
    { protocol: "TCP", port: GATEWAY_PORT },
    { protocol: "TCP", port: CANVAS_PORT },
  ];
  if (spec.observability.metrics.enabled) ports.push({ protocol: "TCP", port: spec.observability.metrics.port });
  if (spec.webTerminal.enabled) ports.push({ protocol: "TCP", port: WEB_TERMINAL_PORT });
  return ports;
}

/**
 * Default deny, then: ingress to the Service's ports from pods of the
 * tenant's own namespace and from configured namespaces/CIDRs; egress to
 * DNS, HTTPS (model providers and channels), Tailscale when enabled, and
 * configured rules.
 */
export function buildNetworkPolicy(instance: InstanceModel): k8s.types.input.networking.v1.NetworkPolicy | undefined {
  const policy = instance.spec.networkPolicy;
  if (!policy.enabled) return undefined;
  const ports = ingressPorts(instance);
  const from: Peer[] = [{ podSelector: {} }];
  if (policy.allowedIngressNamespaces.length > 0) from.push(namespacePeer(policy.allowedIngressNamespaces));
  for (const cidr of policy.allowedIngressCIDRs) from.push({ ipBlock: { cidr } });
  const ingress: IngressRule[] = [{ from, ports }];

  const egress: EgressRule[] = [];
  if (policy.allowDNS) egress.push(dnsEgressRule());
  const httpsTo = policy.allowedEgressCIDRs.length > 0 ? policy.allowedEgressCIDRs : ["0.0.0.0/0", "::/0"];
  egress.push({ to: httpsTo.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }] });
  if (instance.spec.tailscale.enabled) {
    egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: TAILSCALE_UDP_PORTS.map((port) => ({ protocol: "UDP", port })) });
  }
  for (const rule of policy.additionalEgress) {
    const to: Peer[] = rule.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    if (rule.namespaces.length > 0) to.push(namespacePeer(rule.namespaces));
    egress.push({ ...(to.length > 0 ? { to } : {}), ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })) });
  }

  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: instanceMetadata(instance, instance.names.networkPolicy),
    spec: {
      podSelector: { matchLabels: selectorLabels(instance.tenant, instance.name) },
      policyTypes: ["Ingress", "Egress"],
      ingress,
      egress,
    },
  };
}
