import type * as k8s from "@pulumi/kubernetes";
import { ingressFlavor } from "../../config/instance/networking";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";
import { GATEWAY_PORT } from "../../config/ports";
import { basicAuthSecretName } from "./basic-auth";
import { traefikMiddlewareNames } from "./traefik-middleware";

const NGINX = "nginx.ingress.kubernetes.io";
/** The gateway is a WebSocket server: long-lived connections must not be cut at nginx' 60 s default. */
const WEBSOCKET_TIMEOUT_SECONDS = "3600";

/** Annotations that implement `ingress.security` on ingress-nginx. HSTS is on by default there for TLS hosts. */
function nginxAnnotations(instance: InstanceModel): Record<string, string> {
  const security = instance.spec.ingress.security;
  const a: Record<string, string> = {
    [`${NGINX}/proxy-read-timeout`]: WEBSOCKET_TIMEOUT_SECONDS,
    [`${NGINX}/proxy-send-timeout`]: WEBSOCKET_TIMEOUT_SECONDS,
    [`${NGINX}/proxy-http-version`]: "1.1",
  };
  if (security.forceHTTPS) {
    a[`${NGINX}/ssl-redirect`] = "true";
    a[`${NGINX}/force-ssl-redirect`] = "true";
  }
  if (security.rateLimiting.enabled) a[`${NGINX}/limit-rps`] = String(security.rateLimiting.requestsPerSecond);
  const authSecret = basicAuthSecretName(instance);
  if (authSecret !== undefined) {
    a[`${NGINX}/auth-type`] = "basic";
    a[`${NGINX}/auth-secret`] = authSecret;
    a[`${NGINX}/auth-realm`] = security.basicAuth.realm;
  }
  return a;
}

/** Traefik applies the security settings through Middlewares (see traefik-middleware.ts). */
function traefikAnnotations(instance: InstanceModel): Record<string, string> {
  const a: Record<string, string> = {};
  const middlewares = traefikMiddlewareNames(instance).map((name) => `${instance.namespace}-${name}@kubernetescrd`);
  if (middlewares.length > 0) a["traefik.ingress.kubernetes.io/router.middlewares"] = middlewares.join(",");
  if (instance.spec.ingress.tls.length > 0) a["traefik.ingress.kubernetes.io/router.tls"] = "true";
  return a;
}

/** The instance's Ingress; undefined unless `ingress.enabled`. User annotations win over generated ones. */
export function buildIngress(instance: InstanceModel): k8s.types.input.networking.v1.Ingress | undefined {
  const ingress = instance.spec.ingress;
  if (!ingress.enabled) return undefined;
  const flavor = ingressFlavor(ingress.className);
  const generated = flavor === "nginx" ? nginxAnnotations(instance) : flavor === "traefik" ? traefikAnnotations(instance) : {};
  const metadata = instanceMetadata(instance, featureNames(instance).ingress);
  metadata.annotations = { ...generated, ...ingress.annotations };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata,
    spec: {
      ...(ingress.className !== undefined ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tls.length > 0 ? { tls: ingress.tls.map((t) => ({ hosts: [...t.hosts], secretName: t.secretName })) } : {}),
      rules: ingress.hosts.map((h) => ({
        host: h.host,
        http: {
          paths: h.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            backend: { service: { name: instance.names.service, port: { number: p.port ?? GATEWAY_PORT } } },
          })),
        },
      })),
    },
  };
}
