/**
 * Names that are global to the cluster or the outside world, so one owner in
 * the whole fleet: host names (ingress rules, TLS, server aliases,
 * external-dns), Tailscale host names, and namespaces (never the cluster's
 * own or a controller's). A second claimant is refused with both paths.
 */
import type { InstanceModel, TenantModel } from "../model";
import { joinPath, type ConfigProblem } from "../problems";
import { instanceRefPath } from "./registry";

/** Annotations whose value names host names (comma- or space-separated). */
export const HOST_ANNOTATIONS = [
  "nginx.ingress.kubernetes.io/server-alias",
  "external-dns.alpha.kubernetes.io/hostname",
  "external-dns.alpha.kubernetes.io/internal-hostname",
];
/** Annotations whose value names a tailnet host. */
export const TAILNET_HOST_ANNOTATIONS = ["tailscale.com/hostname"];

interface Claim {
  readonly name: string;
  readonly instance: InstanceModel;
  readonly path: string;
}

function split(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ""))
    .filter((h) => h !== "");
}

/** Every host name an instance routes to: its ingress rules and TLS hosts, and the annotations that add hosts. */
export function hostClaims(instance: InstanceModel): Claim[] {
  const spec = instance.spec;
  const at = (...path: (string | number)[]) => instanceRefPath(instance, path);
  const claims: Claim[] = [];
  if (spec.ingress.enabled) {
    spec.ingress.hosts.forEach((h, i) => claims.push({ name: h.host.toLowerCase(), instance, path: at("ingress", "hosts", i, "host") }));
    // A TLS host selects the certificate served for it, so it is claimed too; a wildcard there only names a shared
    // certificate (rules decide routing), so several instances may list one.
    spec.ingress.tls.forEach((t, i) =>
      t.hosts.forEach((h, j) => {
        if (!h.startsWith("*.")) claims.push({ name: h.toLowerCase(), instance, path: at("ingress", "tls", i, "hosts", j) });
      }),
    );
    for (const key of HOST_ANNOTATIONS) {
      const value = spec.ingress.annotations[key];
      if (value !== undefined)
        for (const host of split(value)) claims.push({ name: host, instance, path: at("ingress", "annotations", key) });
    }
  }
  for (const key of HOST_ANNOTATIONS) {
    const value = spec.service.annotations[key];
    if (value !== undefined)
      for (const host of split(value)) claims.push({ name: host, instance, path: at("service", "annotations", key) });
  }
  return claims;
}

/** Whether two host names can route the same request: equal, or one a wildcard over the other. */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, host: string) =>
    wild.startsWith("*.") && host.endsWith(wild.slice(1)) && !host.slice(0, host.length - wild.length + 1).includes(".");
  return covers(a, b) || covers(b, a);
}

export function tailnetClaims(instance: InstanceModel): Claim[] {
  const spec = instance.spec;
  const claims: Claim[] = [];
  if (spec.tailscale.enabled) {
    claims.push({
      name: spec.tailscale.hostname ?? instance.name,
      instance,
      path: instanceRefPath(instance, spec.tailscale.hostname !== undefined ? ["tailscale", "hostname"] : ["tailscale", "enabled"]),
    });
  }
  for (const key of TAILNET_HOST_ANNOTATIONS) {
    const value = spec.service.annotations[key];
    if (value !== undefined)
      claims.push({ name: value.trim().toLowerCase(), instance, path: instanceRefPath(instance, ["service", "annotations", key]) });
  }
  return claims;
}

const who = (claim: Claim) => `${claim.path} (tenant "${claim.instance.tenant}", instance "${claim.instance.name}")`;
const same = (a: Claim, b: Claim) => a.instance.tenant === b.instance.tenant && a.instance.name === b.instance.name;

/** Every claim that overlaps another instance's is refused, naming that other claim: both claimants see both paths. */
function uniqueness(
  claims: readonly Claim[],
  overlap: (a: string, b: string) => boolean,
  message: (claim: Claim, other: Claim) => string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (const claim of claims) {
    const other = claims.find((c) => !same(c, claim) && overlap(c.name, claim.name));
    if (other !== undefined && !reported.has(`${claim.path}\0${claim.name}`)) {
      reported.add(`${claim.path}\0${claim.name}`);
      problems.push({ path: claim.path, message: message(claim, other) });
    }
  }
  return problems;
}

/** The cluster's own namespaces, and those of the controllers a fleet runs next to (policies admit them). */
export const RESERVED_NAMESPACES = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "ingress-nginx",
  "traefik",
  "cert-manager",
  "external-dns",
  "tailscale",
  "monitoring",
  "prometheus",
  "grafana",
  "calico-system",
  "calico-apiserver",
  "tigera-operator",
  "cilium",
  "istio-system",
  "linkerd",
  "gatekeeper-system",
  "kyverno",
  "flux-system",
  "argocd",
  "karpenter",
  "amazon-cloudwatch",
  "velero",
  "metallb-system",
];

export interface NamespaceFacts {
  /** `backup.monitoring.namespace` when monitoring is on. */
  readonly monitoringNamespace?: string;
  /** The namespace of an in-cluster store endpoint (`<svc>.<ns>.svc`): backup pods send it their credentials. */
  readonly storeNamespace?: string;
  /** `cluster.kubernetes.reservedNamespaces`: more namespaces of the cluster's own. */
  readonly reserved: readonly string[];
  /** `cluster.kubernetes.dns.namespace`: every policy'd pod of the fleet sends it its DNS queries. */
  readonly dnsNamespace?: string;
}

function namespaceProblems(tenants: readonly TenantModel[], facts: NamespaceFacts): ConfigProblem[] {
  const owners = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const admitted = new Map<string, { tenant: string; path: string }[]>();
  for (const tenant of tenants) {
    for (const instance of tenant.instances) {
      const np = instance.spec.networkPolicy;
      const add = (ns: string, path: (string | number)[]) =>
        admitted.set(ns, [
          ...(admitted.get(ns) ?? []),
          { tenant: tenant.name, path: instanceRefPath(instance, ["networkPolicy", ...path]) },
        ]);
      np.allowedIngressNamespaces.forEach((ns, i) => add(ns, ["allowedIngressNamespaces", i]));
      np.additionalEgress.forEach((r, i) => r.namespaces.forEach((ns, j) => add(ns, ["additionalEgress", i, "namespaces", j])));
    }
  }
  for (const tenant of tenants) {
    const ns = tenant.namespace;
    const path = joinPath(["tenants", tenant.name, "namespace"]);
    const pick = "a tenant owns its namespace (and removing the tenant deletes it): pick another name";
    if (ns === facts.monitoringNamespace) {
      problems.push({ path, message: `"${ns}" is backup.monitoring.namespace, where the fleet's backup alerts live; ${pick}` });
    } else if (ns === "default" || ns.startsWith("kube-")) {
      problems.push({ path, message: `"${ns}" is a Kubernetes system namespace; ${pick}` });
    } else if (ns === facts.dnsNamespace) {
      problems.push({
        path,
        message: `"${ns}" is cluster.kubernetes.dns.namespace, the resolver's, to which every NetworkPolicy of the fleet admits DNS: its pods could answer every instance's queries; ${pick}`,
      });
    } else if (ns === facts.storeNamespace) {
      problems.push({
        path,
        message: `"${ns}" is the namespace of the backup store (backup.store.endpoint), which every backup pod may reach with its credentials; ${pick}`,
      });
    } else if (RESERVED_NAMESPACES.includes(ns) || facts.reserved.includes(ns)) {
      problems.push({
        path,
        message: `"${ns}" is the namespace of the cluster or one of its controllers, which NetworkPolicies admit by name; ${pick} (or remove it from cluster.kubernetes.reservedNamespaces if it is not)`,
      });
    } else {
      const other = (admitted.get(ns) ?? []).find((a) => a.tenant !== tenant.name);
      if (other !== undefined)
        problems.push({
          path,
          message: `"${ns}" is admitted by another tenant's NetworkPolicy (${other.path}): its pods would be let in as that namespace; pick another name`,
        });
    }
    const first = owners.get(ns);
    if (first !== undefined)
      problems.push({
        path,
        message: `namespace "${ns}" is already used by tenant "${first}" (tenants.${first}.namespace); each tenant needs its own namespace`,
      });
    else owners.set(ns, tenant.name);
  }
  return problems;
}

export function globalNameProblems(tenants: readonly TenantModel[], facts: NamespaceFacts): ConfigProblem[] {
  const instances = tenants.flatMap((t) => t.instances);
  return [
    ...namespaceProblems(tenants, facts),
    ...uniqueness(
      instances.flatMap(hostClaims),
      hostsOverlap,
      (claim, first) =>
        `host "${claim.name}" is also claimed by ${who(first)}: a host routes to one instance in the whole fleet (a second claimant would take its traffic); pick a host of your own`,
    ),
    ...uniqueness(
      instances.flatMap(tailnetClaims),
      (a, b) => a === b,
      (claim, first) =>
        `tailnet host name "${claim.name}" is also claimed by ${who(first)}: on one tailnet the name would reach either device; set tailscale.hostname to a name no other instance uses`,
    ),
  ];
}
