import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * The kernel's ephemeral range: the ports it hands to every outgoing connection and to `listen(0)`.
 * A port a test picks there can be taken by any connection between the pick and the server's bind
 * (a busy suite opens thousands: rclone, s3rver, the control plane), so tests pick below it.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high)) return [low, high];
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return [49152, 65535];
}

/**
 * Kubernetes' default NodePort range (the API server's `--service-node-port-range`). On the
 * end-to-end suite's real node, kube-router lets a pod reach any port of this range on the node
 * without its egress policy ("allow LOCAL TCP traffic to node ports"): a suite server listening
 * there (the S3 store the backup pods use) was reachable from every pod, whatever the policies said.
 */
export const NODE_PORT_RANGE: readonly [number, number] = [30000, 32767];

/**
 * The range tests pick from: below the ephemeral range and the NodePort range, above the
 * well-known and common service ports.
 */
export function testPortRange(): [number, number] {
  const [ephemeralLow] = ephemeralRange();
  const high = Math.min(ephemeralLow, NODE_PORT_RANGE[0]) - 1;
  const low = Math.max(10_000, high - 12_000);
  if (high - low < 1_000)
    throw new Error(`the ephemeral port range starts at ${ephemeralLow}: too low to leave tests a range of their own`);
  return [low, high];
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/**
 * A TCP port free on 127.0.0.1, for a server a test starts (in this process or a child). It lies
 * outside the kernel's ephemeral range, so no outgoing connection or `listen(0)` can take it before
 * the server binds, and it is never handed out twice by one test process, so two servers started
 * one after the other never race for it either.
 */
export async function freePort(): Promise<number> {
  const [low, high] = testPortRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port on 127.0.0.1 between ${low} and ${high} after 200 tries`);
}
