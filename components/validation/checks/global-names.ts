import { globalNameProblems } from "../../config/ownership/global-names";
import type { ConfigCheck } from "../../config/check";

function storeNamespace(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?$/.exec(new URL(endpoint).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/** Names with one owner in the whole fleet (components/config/ownership/global-names.ts). */
export const globalNames: ConfigCheck = {
  id: "global-names",
  example: {
    config: { tenants: { acme: { namespace: "kube-system" } } },
    path: "tenants.acme.namespace",
    message: '"kube-system" is a Kubernetes system namespace',
  },
  refuses:
    "a name two owners claim across the fleet, with the paths of both: a host (ingress rules and TLS, a wildcard over another's host, `server-alias` and external-dns annotations), a tailnet host name, a namespace; and a tenant namespace that is the cluster's own or a controller's (`kube-*`, `ingress-nginx`, `cert-manager`, … and `cluster.kubernetes.reservedNamespaces`), `backup.monitoring.namespace`, the store's namespace, the resolver's (`cluster.kubernetes.dns.namespace`), or one another tenant's NetworkPolicy admits",
  stack: ({ tenants, stack }) =>
    globalNameProblems(tenants, {
      monitoringNamespace: stack?.backup.monitoring.enabled ? stack.backup.monitoring.namespace : undefined,
      storeNamespace: storeNamespace(
        stack?.backup.store !== undefined && "endpoint" in stack.backup.store ? stack.backup.store.endpoint : undefined,
      ),
      reserved: stack?.cluster.kubernetes.reservedNamespaces ?? [],
      dnsNamespace: stack?.cluster.kubernetes.dns.namespace,
    }),
};
