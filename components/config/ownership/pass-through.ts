/**
 * Annotations and other pass-through fields with a policy. The ones that
 * change routing or DNS, or inject configuration into a controller every
 * tenant shares, are refused unless the platform team allows them for the
 * tenant (`platform.tenants.<tenant>.allowedAnnotations`). Host names they
 * carry are claimed fleet-wide either way (global-names.ts).
 */

export interface AnnotationRule {
  readonly pattern: RegExp;
  /** As written in docs/security.md. */
  readonly keys: string;
  readonly why: string;
}

export const GUARDED_ANNOTATIONS: readonly AnnotationRule[] = [
  {
    pattern: /^nginx\.ingress\.kubernetes\.io\/[a-z-]*snippets?$/,
    keys: "`nginx.ingress.kubernetes.io/*-snippet` (server, configuration, auth, stream, modsecurity)",
    why: "injects configuration into the ingress controller that serves every tenant (it can read the controller's Secrets and route other tenants' hosts, CVE-2021-25742)",
  },
  {
    pattern: /^nginx\.ingress\.kubernetes\.io\/server-alias$/,
    keys: "`nginx.ingress.kubernetes.io/server-alias`",
    why: "routes more host names to this instance",
  },
  {
    pattern: /^nginx\.ingress\.kubernetes\.io\/canary/,
    keys: "`nginx.ingress.kubernetes.io/canary*`",
    why: "takes a share of the traffic of another Ingress with the same host",
  },
  {
    pattern: /^nginx\.ingress\.kubernetes\.io\/mirror-/,
    keys: "`nginx.ingress.kubernetes.io/mirror-*`",
    why: "copies every request, credentials included, to another address",
  },
  {
    pattern: /^external-dns\.alpha\.kubernetes\.io\//,
    keys: "`external-dns.alpha.kubernetes.io/*`",
    why: "publishes DNS records in the fleet's zones",
  },
  {
    pattern: /^traefik\.ingress\.kubernetes\.io\/router\.middlewares$/,
    keys: "`traefik.ingress.kubernetes.io/router.middlewares`",
    why: "chains middlewares of any namespace (`<namespace>-<name>@kubernetescrd`) into the route",
  },
  {
    pattern: /^tailscale\.com\//,
    keys: "`tailscale.com/*`",
    why: "exposes the Service on the tailnet through the Tailscale operator, under a host name of its choice",
  },
];

/** The rule that guards `key`, or undefined for an annotation any tenant may set. */
export function guardOf(key: string): AnnotationRule | undefined {
  return GUARDED_ANNOTATIONS.find((r) => r.pattern.test(key));
}

/** Whether the platform team's allowance list covers `key` (exact keys, or prefixes ending in `*`). */
export function allowed(key: string, allowances: readonly string[]): boolean {
  return allowances.some((a) => (a.endsWith("*") ? key.startsWith(a.slice(0, -1)) : a === key));
}

/** The annotation maps of an instance, by config path below it. */
export const ANNOTATION_POSITIONS = [
  ["ingress", "annotations"],
  ["service", "annotations"],
  ["rbac", "serviceAccountAnnotations"],
] as const;
