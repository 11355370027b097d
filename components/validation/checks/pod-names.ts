import type { ConfigCheck, InstanceProblem } from "../../config/check";

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

/** Names that must be unique in the pod, and mounts that must name a volume. */
export const podNames: ConfigCheck = {
  id: "pod-names",
  refuses:
    "a container name used twice across `initContainers` and `sidecars`, a volume name used twice across `sidecarVolumes` and `extraVolumes`, and an `extraVolumeMounts` entry that names no volume of `extraVolumes`",
  example: {
    config: { tenants: { acme: { instances: { bot: { extraVolumeMounts: [{ name: "cache", mountPath: "/cache" }] } } } } },
    path: "tenants.acme.instances.bot.extraVolumeMounts[0].name",
    message: '"cache" is not a volume in extraVolumes; add it there first',
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    for (const name of duplicates([...spec.initContainers, ...spec.sidecars].map((c) => c.name))) {
      problems.push({
        path: ["sidecars"],
        message: `the container name "${name}" is used twice; container names must be unique in the pod`,
      });
    }
    for (const name of duplicates([...spec.sidecarVolumes, ...spec.extraVolumes].map((v) => v.name))) {
      problems.push({ path: ["extraVolumes"], message: `the volume name "${name}" is used twice across sidecarVolumes and extraVolumes` });
    }
    const extraNames = new Set(spec.extraVolumes.map((v) => v.name));
    spec.extraVolumeMounts.forEach((m, i) => {
      if (!extraNames.has(m.name))
        problems.push({
          path: ["extraVolumeMounts", i, "name"],
          message: `"${m.name}" is not a volume in extraVolumes; add it there first`,
        });
    });
    return problems;
  },
};
