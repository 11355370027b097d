// `cluster.kubernetes.dns`: the one destination on port 53 that every NetworkPolicy of the fleet
// admits, in the instances' policies and the backup pods' alike. A resolver outside the pod
// network (NodeLocal DNSCache, a resolver on the nodes; the e2e suite's real node has one) is
// matched by no pod selector, so without its addresses every policy'd pod fails to resolve names.
import { strict as assert } from "node:assert";
import { backupStack, type Manifest } from "../backup-k8s/fixtures";
import { assertValidObject } from "../support/k8s-schema";
import { kubernetesObjects, runProgram } from "../support/stacks";
import { problemsOf } from "./support";

type Rule = { to?: Record<string, unknown>[]; ports?: { protocol: string; port: number }[] };

/** Every egress rule of every NetworkPolicy of `acme/bot` that admits port 53, by policy name. */
async function dnsRules(cluster: Record<string, unknown> | undefined): Promise<Map<string, Rule[]>> {
  const extra = cluster === undefined ? {} : { cluster: { kubernetes: { renderYamlToDirectory: "out", ...cluster } } };
  const objects = kubernetesObjects(await runProgram(backupStack({}, { extra }))) as unknown as Manifest[];
  const out = new Map<string, Rule[]>();
  for (const np of objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "openclaw-acme")) {
    assertValidObject(np);
    const egress = ((np.spec as { egress?: Rule[] }).egress ?? []).filter((r) => (r.ports ?? []).some((p) => p.port === 53));
    out.set(np.metadata.name, egress);
  }
  return out;
}

const PORTS = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

describe("cluster.kubernetes.dns: the resolver every NetworkPolicy admits", () => {
  it("by default: CoreDNS's pods in kube-system, on UDP and TCP 53, for the instance and its backup pods", async () => {
    const rules = await dnsRules(undefined);
    assert.deepEqual([...rules.keys()].sort(), ["bot", "bot-backup"]);
    for (const [name, found] of rules) {
      assert.deepEqual(
        found,
        [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: PORTS,
          },
        ],
        name,
      );
    }
  });

  it("a resolver of its own labels and namespace, and addresses outside the pod network (NodeLocal DNSCache), in every policy, and port 53 nowhere else", async () => {
    const rules = await dnsRules({ dns: { namespace: "dns", podLabels: { app: "coredns" }, cidrs: ["169.254.20.10/32", "10.0.0.10/32"] } });
    assert.deepEqual([...rules.keys()].sort(), ["bot", "bot-backup"]);
    for (const [name, found] of rules) {
      assert.deepEqual(
        found,
        [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dns" } },
                podSelector: { matchLabels: { app: "coredns" } },
              },
              { ipBlock: { cidr: "169.254.20.10/32" } },
              { ipBlock: { cidr: "10.0.0.10/32" } },
            ],
            ports: PORTS,
          },
        ],
        name,
      );
    }
  });

  it("refuses, at its path, a selector that would admit every pod of the namespace and an address that is not a CIDR", () => {
    const problems = problemsOf(
      {},
      { cluster: { kubernetes: { renderYamlToDirectory: "out", dns: { podLabels: {}, cidrs: ["169.254.20.10"] } } } },
    );
    assert.ok(
      problems.some((p) => p.startsWith("openclaw-fleet:cluster.kubernetes.dns.podLabels: ") && p.includes("at least one label")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.startsWith("openclaw-fleet:cluster.kubernetes.dns.cidrs[0]: ") && p.includes("is not a CIDR")),
      problems.join("\n"),
    );
  });

  it("refuses a tenant the resolver's namespace: its pods would answer every instance's DNS queries", () => {
    const tenants = { acme: { namespace: "dns", instances: { bot: { image: { tag: "2026.9.6" } } } } };
    const problems = problemsOf({}, { cluster: { kubernetes: { renderYamlToDirectory: "out", dns: { namespace: "dns" } } }, tenants });
    assert.ok(
      problems.some((p) => p.startsWith("openclaw-fleet:tenants.acme.namespace: ") && p.includes("cluster.kubernetes.dns.namespace")),
      problems.join("\n"),
    );
    assert.deepEqual(
      problemsOf({}, { cluster: { kubernetes: { renderYamlToDirectory: "out", dns: { namespace: "resolvers" } } }, tenants }),
      [],
      "any other namespace is the tenant's to take",
    );
  });
});
