import { defaultServicePorts, ingressFlavor } from "../../config/instance/networking";
import { GATEWAY_PORT } from "../../config/ports";
import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** An ingress the program can build and the controller can reach. */
export const ingress: ConfigCheck = {
  id: "ingress",
  refuses:
    "an enabled ingress without hosts, with a path to a port the instance's Service does not expose, with security options (`forceHTTPS`, HSTS, rate limiting, basic auth) on a controller that is neither nginx nor traefik, or behind a NetworkPolicy that admits no namespace or CIDR (so no controller can reach it)",
  example: {
    config: { tenants: { acme: { instances: { bot: { ingress: { enabled: true, hosts: [{ host: "bot.example.com" }] } } } } } },
    path: "tenants.acme.instances.bot.networkPolicy.allowedIngressNamespaces",
    message: "admits no namespace or CIDR, so the ingress controller cannot reach the instance",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const ingress = spec.ingress;
    if (!ingress.enabled) return problems;
    if (ingress.hosts.length === 0)
      problems.push({ path: ["ingress", "hosts"], message: "list at least one host when ingress.enabled is true" });
    const sec = ingress.security;
    if (
      ingressFlavor(ingress.className) === "other" &&
      (sec.forceHTTPS || sec.enableHSTS || sec.rateLimiting.enabled || sec.basicAuth.enabled)
    ) {
      problems.push({
        path: ["ingress", "className"],
        message: `"${ingress.className}" is neither nginx nor traefik, so forceHTTPS, HSTS, rate limiting and basic auth cannot be applied: configure them on your controller and set the ingress.security options to false`,
      });
    }
    const servicePorts = spec.service.ports?.map((p) => p.port) ?? defaultServicePorts(spec);
    ingress.hosts.forEach((h, i) =>
      h.paths.forEach((p, j) => {
        const target = p.port ?? GATEWAY_PORT;
        if (!servicePorts.includes(target))
          problems.push({
            path: ["ingress", "hosts", i, "paths", j, "port"],
            message: `${target} is not a port of the instance's Service (${servicePorts.join(", ")})`,
          });
      }),
    );
    const np = spec.networkPolicy;
    if (np.enabled && np.allowedIngressNamespaces.length === 0 && np.allowedIngressCIDRs.length === 0) {
      problems.push({
        path: ["networkPolicy", "allowedIngressNamespaces"],
        message:
          "admits no namespace or CIDR, so the ingress controller cannot reach the instance: add its namespace here (e.g. ingress-nginx), or its CIDRs to networkPolicy.allowedIngressCIDRs",
      });
    }
    return problems;
  },
};
