import { isIP } from "node:net";
import type * as k8s from "@pulumi/kubernetes";
import { identityMode } from "../../config/backup-schema";
import type { FleetModel, InstanceModel } from "../../config/model";
import { dnsEgressRule } from "../instance/network-policy";
import { INTERNET, ipBlockPeers, METADATA_BLOCKS } from "../../config/egress-blocks";
import { instanceMetadata } from "../kube/metadata";
import { backupPodSelector } from "./labels";

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** The EKS Pod Identity Agent, a link-local address on every node. */
const POD_IDENTITY_AGENT: readonly Peer[] = [{ ipBlock: { cidr: "169.254.170.23/32" } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }];
/** Anywhere but the metadata and credential endpoints (the Pod Identity agent has its own rule). */
const ANYWHERE: readonly Peer[] = ipBlockPeers(INTERNET, METADATA_BLOCKS);

/** Where the object store is, as far as a NetworkPolicy can say it. */
export interface StoreEndpoint {
  readonly port: number;
  readonly peers: readonly Peer[];
}

/**
 * The store's port and peers: AWS S3 (and STS, for IRSA) on 443 anywhere but
 * link-local (no backup pod needs the node's metadata service); an
 * S3-compatible endpoint on its own port, pinned to its address when it is an
 * IP, or to its namespace when it is an in-cluster Service (`<svc>.<ns>.svc…`),
 * because ipBlock rules do not reliably match pod IPs.
 */
export function storeEndpoint(endpoint: string | undefined): StoreEndpoint {
  if (endpoint === undefined) return { port: 443, peers: ANYWHERE };
  const url = new URL(endpoint);
  const port = url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const ipVersion = isIP(host);
  if (ipVersion !== 0) return { port, peers: [{ ipBlock: { cidr: `${host}/${ipVersion === 4 ? 32 : 128}` } }] };
  const namespace = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?$/.exec(host)?.[1];
  if (namespace !== undefined) {
    return { port, peers: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }] };
  }
  return { port, peers: ANYWHERE };
}

/**
 * Backup and restore pods of an instance: no ingress at all; egress only to
 * the cluster DNS and the object store (and the Pod Identity agent when that
 * is how they get credentials). They never reach the gateway or the internet
 * at large on any other port. Rendered whatever `networkPolicy.enabled` says.
 */
export function buildBackupNetworkPolicy(
  fleet: Pick<FleetModel, "backup" | "cluster">,
  instance: InstanceModel,
  endpoint: string | undefined,
): k8s.types.input.networking.v1.NetworkPolicy | undefined {
  // Always, even when the instance runs without one: the backup pods hold the store credentials.
  const store = storeEndpoint(endpoint);
  const egress: EgressRule[] = [
    dnsEgressRule(fleet.cluster.kubernetes.dns),
    { to: [...store.peers], ports: [{ protocol: "TCP", port: store.port }] },
  ];
  if (identityMode(fleet.backup) === "podIdentity") egress.push({ to: [...POD_IDENTITY_AGENT], ports: [{ protocol: "TCP", port: 80 }] });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: instanceMetadata(instance, instance.names.backupNetworkPolicy, "backup"),
    spec: {
      podSelector: { matchLabels: backupPodSelector(instance.tenant, instance.name) },
      // Ingress listed with no rules: nothing may connect (an empty `ingress` list is dropped by the API server).
      policyTypes: ["Ingress", "Egress"],
      egress,
    },
  };
}
