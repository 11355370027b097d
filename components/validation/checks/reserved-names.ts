import { RESERVED_CONTAINERS, RESERVED_ENV, RESERVED_INIT_CONTAINERS, RESERVED_VOLUMES } from "../../config/instance/reserved";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Names the program gives its own env variables, containers and volumes in the pod. */
export const reservedNames: ConfigCheck = {
  id: "reserved-names",
  refuses:
    "an env variable the program sets on the app container (`HOME`, `PATH`, `OPENCLAW_STATE_DIR`, …), and an init container, sidecar or volume named like one of the program's own",
  example: {
    config: { tenants: { acme: { instances: { bot: { env: { HOME: "/root" } } } } } },
    path: "tenants.acme.instances.bot.env.HOME",
    message: "is set by the program: it is fixed to the image's home directory",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    for (const name of Object.keys(spec.env)) {
      if (RESERVED_ENV[name] !== undefined) problems.push({ path: ["env", name], message: `is set by the program: ${RESERVED_ENV[name]}` });
    }
    spec.initContainers.forEach((c, i) => {
      if ((RESERVED_INIT_CONTAINERS as readonly string[]).includes(c.name)) {
        problems.push({
          path: ["initContainers", i, "name"],
          message: `"${c.name}" is reserved for the program's own init containers (${RESERVED_INIT_CONTAINERS.join(", ")}); pick another name`,
        });
      }
    });
    spec.sidecars.forEach((c, i) => {
      if ((RESERVED_CONTAINERS as readonly string[]).includes(c.name)) {
        problems.push({
          path: ["sidecars", i, "name"],
          message: `"${c.name}" is reserved for the program's own containers (${RESERVED_CONTAINERS.join(", ")}); pick another name`,
        });
      }
    });
    for (const key of ["sidecarVolumes", "extraVolumes"] as const) {
      spec[key].forEach((v, i) => {
        if ((RESERVED_VOLUMES as readonly string[]).includes(v.name))
          problems.push({ path: [key, i, "name"], message: `"${v.name}" is reserved for the program's own volumes; pick another name` });
      });
    }
    return problems;
  },
};
