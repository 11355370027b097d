import { z } from "zod";
import { isCidr, isDns1123Label, isEnvVarName, isImageDigest, isImageTag, isQuantity } from "./validators";

/** A Kubernetes quantity such as `512Mi` or `500m`. */
export const quantity = z.string().refine(isQuantity, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a Kubernetes quantity (e.g. 512Mi, 2Gi, 500m)`,
});

export const dnsLabel = (what: string, maxLength = 63) =>
  z.string().refine((v) => isDns1123Label(v, maxLength), {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid ${what}: use at most ${maxLength} lowercase letters, digits and '-', starting and ending with a letter or digit`,
  });

export const cidr = z.string().refine(isCidr, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a CIDR (e.g. 10.0.0.0/8 or fd00::/8)`,
});

export const envVarName = z.string().refine(isEnvVarName, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a valid environment variable name`,
});

export const imageTag = z.string().refine(isImageTag, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a valid image tag`,
});

export const imageDigest = z.string().refine(isImageDigest, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an image digest (sha256: followed by 64 hex digits)`,
});

export const port = z.number().int().min(1).max(65535);

/**
 * A reference to a value under the stack's `secrets` key, which must be set
 * with `pulumi config set --secret --path secrets.<name>`. Secret values never
 * appear inline anywhere else in the config, so nothing outside `secrets`
 * needs to be treated as secret by Pulumi.
 */
export const secretRef = z.object({ secretRef: z.string().min(1) }).strict();
export type SecretRef = z.infer<typeof secretRef>;

/** Resource requests/limits with the given defaults. */
export function resourceRequirements(defaults: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }) {
  const pair = (d: { cpu: string; memory: string }) =>
    z.object({ cpu: quantity.default(d.cpu), memory: quantity.default(d.memory) }).strict().prefault({});
  return z.object({ requests: pair(defaults.requests), limits: pair(defaults.limits) }).strict().prefault({});
}
