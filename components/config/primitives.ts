import { z } from "zod";
import {
  isCidr,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isImageDigest,
  isImageReference,
  isImageRepository,
  isImageTag,
  isLabelValue,
  isPortName,
  isQualifiedName,
  isQuantity,
  quantityValue,
} from "./validators";

/** A Kubernetes quantity such as `512Mi` or `500m`; never negative (the API server refuses negative resources and sizes). */
/** The largest value a Kubernetes quantity holds exactly (int64). */
const MAX_QUANTITY = 2 ** 63 - 1;

export const quantity = z
  .string()
  .refine(isQuantity, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a Kubernetes quantity (e.g. 512Mi, 2Gi, 500m)`,
  })
  .refine((v) => (quantityValue(v) ?? 0) >= 0, {
    error: (issue) => `${JSON.stringify(issue.input)} is negative; the API server refuses negative quantities`,
  })
  // Sizes the program adds up and renders (a backup pod's scratch bound is the volumes' sum) must stay real numbers.
  .refine((v) => (quantityValue(v) ?? 0) <= MAX_QUANTITY, {
    error: (issue) => `${JSON.stringify(issue.input)} is more than Kubernetes can hold (2^63-1, about 8Ei): set a real size, e.g. 10Gi`,
  });

/** A quantity where 0 means nothing can run or be stored (limits, volume sizes). */
export const positiveQuantity = quantity.refine((v) => (quantityValue(v) ?? 1) !== 0, {
  error: (issue) => `${JSON.stringify(issue.input)} is zero, which leaves nothing to run or store: set a size above 0`,
});

/** A Service name: an RFC 1035 label, so it must start with a letter. */
export const dns1035Label = (what: string, maxLength = 63) =>
  z.string().refine((v) => isDns1035Label(v, maxLength), {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid ${what}: use at most ${maxLength} lowercase letters, digits and '-', starting with a letter (it names a Service) and ending with a letter or digit`,
  });

/** A name such as a StorageClass's: an RFC 1123 subdomain. */
export const dnsSubdomain = (what: string) =>
  z.string().refine(isDns1123Subdomain, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid ${what}: use lowercase letters, digits, '-' and '.', at most 253 characters, each part starting and ending with a letter or digit`,
  });

/** A container or Service port name (IANA_SVC_NAME). */
export const portName = z.string().refine(isPortName, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a valid port name: at most 15 lowercase letters, digits and '-', with at least one letter, no '--' and no '-' at either end`,
});

const QUALIFIED_KEY =
  "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. app.kubernetes.io/team)";

/** Labels as the API server accepts them: qualified keys, values of at most 63 safe characters. */
export const labelMap = z.record(
  z.string().refine(isQualifiedName, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid label key: use ${QUALIFIED_KEY}` }),
  z.string().refine(isLabelValue, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)`,
  }),
);

/** Annotations: qualified keys, any string values. */
export const annotationMap = z.record(
  z
    .string()
    .refine(isQualifiedName, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid annotation key: use ${QUALIFIED_KEY}` }),
  z.string(),
);

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

/** An image repository alone: the version goes in `tag` or `digest`, never twice. */
export const imageRepository = z.string().refine(isImageRepository, {
  error: (issue) => {
    const value = String(issue.input);
    const slash = value.lastIndexOf("/");
    if (value.includes("@") || value.lastIndexOf(":") > slash) {
      return `${JSON.stringify(issue.input)} carries a tag or digest: write the repository alone here and the version in tag (or digest), so the version is written once`;
    }
    return `${JSON.stringify(issue.input)} is not an image repository (e.g. ghcr.io/openclaw/openclaw: lowercase, with an optional registry host)`;
  },
});

/** A container image reference `repository[:tag][@sha256:…]`. */
export const imageRef = z.string().refine(isImageReference, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an image reference: repository[:tag][@sha256:<64 hex digits>] (e.g. busybox:1.37), with the tag written once`,
});

function secretRefTypeError(issue: { code?: string; input?: unknown }): string | undefined {
  if (issue.code !== "invalid_type" || issue.input === undefined) return undefined;
  return typeof issue.input === "string"
    ? "is plain text where a secret belongs: set it with `pulumi config set --secret --path 'secrets.<name>' <value>` and write { secretRef: <name> } here"
    : "expected { secretRef: <name of an entry under secrets> }";
}

/**
 * A reference to a value under the stack's `secrets` key, which must be set
 * with `pulumi config set --secret --path secrets.<name>`. Secret values never
 * appear inline anywhere else in the config, so nothing outside `secrets`
 * needs to be treated as secret by Pulumi.
 */
export const secretRef = z.object({ secretRef: z.string().min(1) }, { error: secretRefTypeError }).strict();
export type SecretRef = z.infer<typeof secretRef>;

/** Issues for every resource whose request is above its limit, which the API server refuses. */
export function requestsAboveLimits(resources: {
  requests?: Readonly<Record<string, string>>;
  limits?: Readonly<Record<string, string>>;
}): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  for (const [name, request] of Object.entries(resources.requests ?? {})) {
    const limit = resources.limits?.[name];
    if (limit === undefined) continue;
    const r = quantityValue(request);
    const l = quantityValue(limit);
    if (r !== undefined && l !== undefined && l >= 0 && r > l) {
      issues.push({
        path: ["requests", name],
        message: `${request} is more than limits.${name} (${limit}); the API server refuses a request above its limit: lower the request or raise the limit`,
      });
    }
  }
  return issues;
}

/** Resource requests/limits with the given defaults; limits above 0 (requests at most the limits: a settings check). */
export function resourceRequirements(defaults: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }) {
  const requests = z
    .object({ cpu: quantity.default(defaults.requests.cpu), memory: quantity.default(defaults.requests.memory) })
    .strict()
    .prefault({});
  const limits = z
    .object({ cpu: positiveQuantity.default(defaults.limits.cpu), memory: positiveQuantity.default(defaults.limits.memory) })
    .strict()
    .prefault({});
  return z.object({ requests, limits }).strict().prefault({});
}
