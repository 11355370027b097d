import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** What Kubernetes allows only on a native sidecar (an init container with restartPolicy: Always). */
export const nativeSidecars: ConfigCheck = {
  id: "native-sidecars",
  refuses:
    "probes or `lifecycle` on an init container that runs to completion (only a native sidecar, `restartPolicy: Always`, may have them), and `restartPolicy` on a regular sidecar",
  example: {
    config: {
      tenants: { acme: { instances: { bot: { sidecars: [{ name: "helper", image: "busybox:1.37", restartPolicy: "Always" }] } } } },
    },
    path: "tenants.acme.instances.bot.sidecars[0].restartPolicy",
    message: "is only allowed on init containers",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    spec.initContainers.forEach((c, i) => {
      if (c.restartPolicy === "Always") return;
      for (const key of ["livenessProbe", "readinessProbe", "startupProbe", "lifecycle"] as const) {
        if (c[key] !== undefined) {
          problems.push({
            path: ["initContainers", i, key],
            message:
              "is only allowed on an init container with restartPolicy: Always (a native sidecar); Kubernetes refuses it on one that runs to completion",
          });
        }
      }
    });
    spec.sidecars.forEach((c, i) => {
      if (c.restartPolicy !== undefined) {
        problems.push({
          path: ["sidecars", i, "restartPolicy"],
          message:
            "is only allowed on init containers (Kubernetes refuses it on a regular container): remove it, or move the container to initContainers to make it a native sidecar",
        });
      }
    });
    return problems;
  },
};
