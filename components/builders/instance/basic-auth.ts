import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/**
 * One htpasswd line in the `{SHA}` scheme (base64 of SHA-1), which both
 * ingress-nginx and Traefik accept. Unsalted SHA-1 is weak for passwords
 * people choose; this one is 40 random characters (~238 bits), so the hash
 * cannot be brute-forced, and being deterministic it is stable across runs
 * (a salted apr1/bcrypt hash would change on every `pulumi up`).
 */
export function htpasswdLine(username: string, password: string): string {
  return `${username}:{SHA}${createHash("sha1").update(password, "utf8").digest("base64")}`;
}

/** Which Secret holds the htpasswd lines: the configured one or the generated one; undefined without basic auth. */
export function basicAuthSecretName(instance: InstanceModel): string | undefined {
  const auth = instance.spec.ingress.security.basicAuth;
  if (!instance.spec.ingress.enabled || !auth.enabled) return undefined;
  return auth.existingSecret ?? featureNames(instance).basicAuthSecret;
}

/** True when this program must generate the basic-auth password and Secret. */
export function generatesBasicAuth(instance: InstanceModel): boolean {
  const auth = instance.spec.ingress.security.basicAuth;
  return instance.spec.ingress.enabled && auth.enabled && auth.existingSecret === undefined;
}

/**
 * The generated basic-auth Secret: `auth` for ingress-nginx, `users` for
 * Traefik, and `username`/`password` so that the team can read the login
 * with kubectl. `password` is a secret Output (a GeneratedSecret kept in
 * state, so it is stable across runs); everything derived from it stays secret.
 */
export function buildBasicAuthSecret(instance: InstanceModel, password: pulumi.Output<string>): k8s.types.input.core.v1.Secret {
  const username = instance.spec.ingress.security.basicAuth.username;
  const line = pulumi.secret(password.apply((p) => htpasswdLine(username, p)));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: instanceMetadata(instance, featureNames(instance).basicAuthSecret),
    type: "Opaque",
    stringData: { auth: line, users: line, username, password: pulumi.secret(password) },
  };
}
