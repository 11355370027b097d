/**
 * What a NetworkPolicy admits, evaluated the way the API documents it, with
 * Node's own address matcher (net.BlockList), so the tests do not reuse the
 * program's CIDR code to check the program.
 */
import { BlockList, isIPv6 } from "node:net";

type Obj = Record<string, unknown>;
interface IpBlock {
  cidr: string;
  except?: string[];
}
interface Peer {
  ipBlock?: IpBlock;
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: unknown;
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { port: number; protocol?: string }[];
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = "", bits] = cidr.split("/");
  const family = isIPv6(net) ? "ipv6" : "ipv4";
  if ((family === "ipv6") !== isIPv6(ip)) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits), family);
  return list.check(ip, family);
}

function blockAdmits(block: IpBlock, ip: string): boolean {
  return inCidr(ip, block.cidr) && !(block.except ?? []).some((e) => inCidr(ip, e));
}

function portMatches(rule: Rule, port: number, protocol: string): boolean {
  return rule.ports === undefined || rule.ports.some((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
}

/** Whether any egress rule of the policy lets its pods connect to `ip:port` (addresses outside the cluster's pods). */
export function egressAllows(policy: Obj, ip: string, port: number, protocol = "TCP"): boolean {
  const rules = ((policy.spec as Obj).egress as Rule[] | undefined) ?? [];
  return rules.some(
    (rule) =>
      portMatches(rule, port, protocol) &&
      (rule.to === undefined || rule.to.some((peer) => peer.ipBlock !== undefined && blockAdmits(peer.ipBlock, ip))),
  );
}

/** Whether a pod with `labels` in the policy's own namespace may connect on `port`. */
export function ingressAllowsPod(policy: Obj, labels: Record<string, string>, port: number): boolean {
  const rules = ((policy.spec as Obj).ingress as Rule[] | undefined) ?? [];
  return rules.some(
    (rule) =>
      portMatches(rule, port, "TCP") &&
      (rule.from === undefined ||
        rule.from.some(
          (peer) =>
            peer.namespaceSelector === undefined &&
            peer.ipBlock === undefined &&
            Object.entries(peer.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
        )),
  );
}

/** Whether a client at `ip` (outside the cluster) may connect on `port`. */
export function ingressAllowsIp(policy: Obj, ip: string, port: number): boolean {
  const rules = ((policy.spec as Obj).ingress as Rule[] | undefined) ?? [];
  return rules.some(
    (rule) =>
      portMatches(rule, port, "TCP") &&
      (rule.from === undefined || rule.from.some((peer) => peer.ipBlock !== undefined && blockAdmits(peer.ipBlock, ip))),
  );
}
