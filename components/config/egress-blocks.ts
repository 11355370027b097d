import type * as k8s from "@pulumi/kubernetes";
import { isIPv6Cidr, overlaps, strictlyInside } from "./cidr";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/**
 * Link-local addresses: the cloud metadata services (169.254.169.254, AWS's
 * fd00:ec2::254), the ECS and EKS Pod Identity credential agents
 * (169.254.170.2, 169.254.170.23, fd00:ec2::23). No instance ever needs them;
 * they hand out the node's (or another pod's) cloud credentials.
 */
export const METADATA_BLOCKS = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::/32"] as const;

/**
 * Addresses of the cluster and its network: private, shared (CGNAT) and
 * loopback ranges. The API server's private endpoint, every Service and pod,
 * and the VPC are in them. "The internet" is everything else.
 */
export const PRIVATE_BLOCKS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "fc00::/7",
  "::1/128",
] as const;

export const INTERNET: readonly string[] = ["0.0.0.0/0", "::/0"];

/**
 * ipBlock peers for `cidrs`, each with the blocked ranges that lie inside it
 * listed under `except`. A blocked range that contains the whole cidr (say
 * 169.254.169.254/32 asked for by name) drops that cidr: an explicit rule
 * cannot reopen what is blocked.
 */
export function ipBlockPeers(cidrs: readonly string[], blocked: readonly string[]): Peer[] {
  const peers: Peer[] = [];
  for (const cidr of cidrs) {
    if (blocked.some((b) => b === cidr || strictlyInside(cidr, b))) continue;
    const except = blocked.filter((b) => isIPv6Cidr(b) === isIPv6Cidr(cidr) && strictlyInside(b, cidr) && overlaps(b, cidr));
    peers.push({ ipBlock: except.length > 0 ? { cidr, except: [...except] } : { cidr } });
  }
  return peers;
}
