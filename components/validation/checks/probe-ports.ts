import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** A probe of a port its container does not declare fails forever, and the kubelet restarts the container forever. */
export const probePorts: ConfigCheck = {
  id: "probe-ports",
  refuses:
    "a probe of a sidecar or init container whose `httpGet`, `tcpSocket` or `grpc` port is none the container declares in its `ports`",
  example: {
    config: {
      tenants: {
        acme: {
          instances: { bot: { sidecars: [{ name: "helper", image: "busybox:1.37", readinessProbe: { tcpSocket: { port: 8080 } } }] } },
        },
      },
    },
    path: "tenants.acme.instances.bot.sidecars[0].readinessProbe.tcpSocket.port",
    message: '8080 is not a port container "helper" declares (ports: none)',
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    for (const key of ["initContainers", "sidecars"] as const) {
      spec[key].forEach((c, i) => {
        for (const probeKey of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
          const probe = c[probeKey] as Record<string, { port?: number | string } | undefined> | undefined;
          if (probe === undefined) continue;
          for (const action of ["httpGet", "tcpSocket", "grpc"]) {
            const port = probe[action]?.port;
            if (port === undefined) continue;
            const ports = c.ports ?? [];
            if (ports.some((p) => p.containerPort === port || (p.name !== undefined && p.name === port))) continue;
            const have =
              ports.map((p) => (p.name !== undefined ? `${p.name}=${p.containerPort}` : String(p.containerPort))).join(", ") || "none";
            problems.push({
              path: [key, i, probeKey, action, "port"],
              message: `${JSON.stringify(port)} is not a port container "${c.name}" declares (ports: ${have}); the probe would fail and restart it forever: declare the port in its ports, or probe the one it listens on`,
            });
          }
        }
      });
    }
    return problems;
  },
};
