import { posix } from "node:path";
import { appContainer } from "../../builders/instance/pod/app-container";
import {
  CA_BUNDLE_PATH,
  CONFIG_MOUNT_DIR,
  CONFIG_REF_MOUNT_DIR,
  STATE_DIR,
  TAILSCALE_BIN_DIR,
  TAILSCALE_SOCKET_DIR,
} from "../../config/ports";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Paths whose content the program owns: nothing may be mounted inside them. */
const MANAGED_TREES = [STATE_DIR, CONFIG_MOUNT_DIR, CONFIG_REF_MOUNT_DIR, TAILSCALE_SOCKET_DIR, TAILSCALE_BIN_DIR];

function normalize(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, "") : normal;
}

function isInside(path: string, dir: string): boolean {
  return dir === "/" ? path !== "/" : path.startsWith(`${dir}/`);
}

/** The mounts the program gives the app container, by path. */
function programMounts(instance: Parameters<typeof appContainer>[0]): Map<string, string> {
  const mounts = appContainer(instance).volumeMounts as { name: string; mountPath: string }[];
  const own = mounts.slice(0, mounts.length - instance.spec.extraVolumeMounts.length);
  const byPath = new Map(own.map((m) => [normalize(m.mountPath), m.name]));
  if (instance.spec.caBundle !== undefined) byPath.set(CA_BUNDLE_PATH, "ca-bundle");
  return byPath;
}

function duplicatePaths(mounts: readonly { mountPath: string }[] | undefined, path: (string | number)[]): InstanceProblem[] {
  const seen = new Map<string, number>();
  const problems: InstanceProblem[] = [];
  (mounts ?? []).forEach((m, i) => {
    const normal = normalize(m.mountPath);
    const first = seen.get(normal);
    if (first !== undefined)
      problems.push({
        path: [...path, i, "mountPath"],
        message: `"${m.mountPath}" is already mounted by ${path.join(".")}[${first}]; the API server refuses two mounts at one path in a container`,
      });
    else seen.set(normal, i);
  });
  return problems;
}

export const mountPaths: ConfigCheck = {
  id: "mount-paths",
  example: {
    config: {
      tenants: {
        acme: {
          instances: {
            bot: { extraVolumes: [{ name: "v", emptyDir: {} }], extraVolumeMounts: [{ name: "v", mountPath: "/home/node/.openclaw" }] },
          },
        },
      },
    },
    path: "tenants.acme.instances.bot.extraVolumeMounts[0].mountPath",
    message: 'is where the program mounts its "state" volume',
  },
  refuses:
    "two mounts at one path in a container, and an extra mount at, inside or above one of the program's own mounts (the state directory, config, CA bundle, Tailscale)",
  instance(instance) {
    const spec = instance.spec;
    const problems: InstanceProblem[] = [...duplicatePaths(spec.extraVolumeMounts, ["extraVolumeMounts"])];
    const program = programMounts(instance);
    spec.extraVolumeMounts.forEach((m, i) => {
      const path = normalize(m.mountPath);
      const at = ["extraVolumeMounts", i, "mountPath"];
      const same = program.get(path);
      const tree = MANAGED_TREES.find((dir) => isInside(path, dir));
      const hidden = [...program.keys()].filter((p) => isInside(p, path));
      if (same !== undefined)
        problems.push({ path: at, message: `"${m.mountPath}" is where the program mounts its "${same}" volume; pick another path` });
      else if (tree !== undefined) {
        problems.push({
          path: at,
          message: `"${m.mountPath}" is inside ${tree}, which the program manages${tree === STATE_DIR ? " (the state directory: files there would be hidden from OpenClaw and from backups)" : ""}; mount it elsewhere`,
        });
      } else if (hidden.length > 0)
        problems.push({
          path: at,
          message: `"${m.mountPath}" would hide the program's mounts below it (${hidden.sort().join(", ")}); mount it at a path of its own`,
        });
    });
    for (const key of ["initContainers", "sidecars"] as const)
      spec[key].forEach((c, i) => problems.push(...duplicatePaths(c.volumeMounts, [key, i, "volumeMounts"])));
    return problems;
  },
};
