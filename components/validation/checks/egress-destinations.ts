import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** A NetworkPolicy egress rule with ports and no peer admits those ports to every address. */
export const egressDestinations: ConfigCheck = {
  id: "egress-destinations",
  refuses:
    "a `networkPolicy.additionalEgress` rule without a destination (neither `cidrs` nor `namespaces`), which would open its ports to every address, the cloud metadata endpoint included",
  example: {
    config: { tenants: { acme: { instances: { bot: { networkPolicy: { additionalEgress: [{ ports: [{ port: 5432 }] }] } } } } } },
    path: "tenants.acme.instances.bot.networkPolicy.additionalEgress[0].cidrs",
    message: "an egress rule needs a destination",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    spec.networkPolicy.additionalEgress.forEach((rule, i) => {
      if (rule.cidrs.length === 0 && rule.namespaces.length === 0) {
        problems.push({
          path: ["networkPolicy", "additionalEgress", i, "cidrs"],
          message:
            "an egress rule needs a destination: list cidrs or namespaces (a rule with ports alone opens those ports to every address, the cloud metadata endpoint included)",
        });
      }
    });
    return problems;
  },
};
