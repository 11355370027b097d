import { ingressFlavor } from "../../config/instance/networking";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";
import { basicAuthSecretName } from "./basic-auth";

/** HSTS for one year, as ingress-nginx sends by default. */
const HSTS_SECONDS = 31536000;

/** A Traefik Middleware (traefik.io/v1alpha1); the Traefik CRDs must be installed. */
export interface TraefikMiddleware {
  apiVersion: "traefik.io/v1alpha1";
  kind: "Middleware";
  metadata: ReturnType<typeof instanceMetadata>;
  spec: Record<string, unknown>;
}

/**
 * One Middleware per enabled concern (HTTPS redirect, HSTS, rate limit,
 * basic auth), in the order the router applies them. None unless the
 * Ingress class is Traefik.
 */
export function buildTraefikMiddlewares(instance: InstanceModel): TraefikMiddleware[] {
  const ingress = instance.spec.ingress;
  if (!ingress.enabled || ingressFlavor(ingress.className) !== "traefik") return [];
  const names = featureNames(instance).middleware;
  const security = ingress.security;
  const mw = (name: string, spec: Record<string, unknown>): TraefikMiddleware => ({
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: instanceMetadata(instance, name),
    spec,
  });
  const out: TraefikMiddleware[] = [];
  if (security.forceHTTPS) out.push(mw(names.redirect, { redirectScheme: { scheme: "https", permanent: true } }));
  if (security.enableHSTS) out.push(mw(names.headers, { headers: { stsSeconds: HSTS_SECONDS, stsIncludeSubdomains: true } }));
  if (security.rateLimiting.enabled) {
    const rps = security.rateLimiting.requestsPerSecond;
    out.push(mw(names.rateLimit, { rateLimit: { average: rps, period: "1s", burst: rps * 2 } }));
  }
  const authSecret = basicAuthSecretName(instance);
  if (authSecret !== undefined) out.push(mw(names.basicAuth, { basicAuth: { secret: authSecret, realm: security.basicAuth.realm } }));
  return out;
}

export function traefikMiddlewareNames(instance: InstanceModel): string[] {
  return buildTraefikMiddlewares(instance).map((m) => m.metadata.name as string);
}
