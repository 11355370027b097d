import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** OpenClaw's state is single-writer: only a stateless, running instance may scale. */
export const autoscaling: ConfigCheck = {
  id: "autoscaling",
  refuses:
    "`availability.autoScaling.enabled` on an instance with a state or workspace volume (replicas would share a single-writer volume), or on a stopped one (`replicas: 0`), and a `minReplicas` above `maxReplicas`",
  example: {
    config: { tenants: { acme: { instances: { bot: { availability: { autoScaling: { enabled: true } } } } } } },
    path: "tenants.acme.instances.bot.availability.autoScaling.enabled",
    message: "needs persistence.enabled: false and workspaceVolume.enabled: false",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const { minReplicas, maxReplicas } = spec.availability.autoScaling;
    if (minReplicas > maxReplicas)
      problems.push({ path: ["availability", "autoScaling", "maxReplicas"], message: `must be at least minReplicas (${minReplicas})` });
    if (!spec.availability.autoScaling.enabled) return problems;
    const at = ["availability", "autoScaling", "enabled"];
    if (spec.persistence.enabled || spec.workspaceVolume.enabled) {
      problems.push({
        path: at,
        message:
          "needs persistence.enabled: false and workspaceVolume.enabled: false: OpenClaw's state (SQLite, sessions) is single-writer, so replicas must not share a volume",
      });
    }
    if (spec.replicas === 0)
      problems.push({ path: at, message: "cannot scale a stopped instance (replicas: 0); turn autoscaling off to stop it" });
    return problems;
  },
};
