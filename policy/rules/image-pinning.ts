import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeObject, podTemplateOf, WORKLOAD_TYPES } from "../lib/kubernetes";
import { asString, globMatch } from "../lib/values";

export interface ImagePinningConfig {
  /** Repositories (`*` wildcards allowed) that may use a floating tag or none, e.g. `registry.local/dev/*`. */
  readonly allowedUnpinned?: readonly string[];
  /** Tags that move: treated as unpinned. */
  readonly floatingTags?: readonly string[];
  /** Demand a digest (`@sha256:…`) on every image, not just a fixed tag. */
  readonly requireDigest?: boolean;
}

export const DEFAULT_FLOATING_TAGS: readonly string[] = ["latest"];

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry:port/repo:tag@sha256:…`; a `:` before the last `/` is a registry port, not a tag. */
export function parseImage(reference: string): ImageReference {
  const at = reference.indexOf("@");
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const colon = name.lastIndexOf(":");
  const tagged = colon > name.lastIndexOf("/");
  return {
    repository: tagged ? name.slice(0, colon) : name,
    ...(tagged ? { tag: name.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(reference: string, config: ImagePinningConfig = {}): string | undefined {
  const image = parseImage(reference);
  if ((config.allowedUnpinned ?? []).some((pattern) => globMatch(pattern, image.repository))) return undefined;
  if (image.digest !== undefined) return DIGEST.test(image.digest) ? undefined : `"${image.digest}" is not a sha256 digest`;
  if (config.requireDigest === true) return "has no digest (@sha256:…), and this pack requires one";
  if (image.tag === undefined || image.tag === "") return "has no tag, so it means :latest";
  if ((config.floatingTags ?? DEFAULT_FLOATING_TAGS).includes(image.tag)) return `uses the floating tag "${image.tag}"`;
  return undefined;
}

export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description:
    "Every container image is pinned to a release tag or a digest, so that each rollout is visible in a preview: no tag-less images and no 'latest', unless the repository is listed in allowedUnpinned.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: {
    properties: {
      allowedUnpinned: { type: "array", items: { type: "string" }, default: [] },
      floatingTags: { type: "array", items: { type: "string" }, default: [...DEFAULT_FLOATING_TAGS] },
      requireDigest: { type: "boolean", default: false },
    },
  },
  remediationSteps: "Set image.tag to a release (e.g. 2026.9.6) or image.digest (sha256:…) in the stack config.",
  validateResource: (args, reportViolation) => {
    if (!WORKLOAD_TYPES.includes(args.type)) return;
    const template = podTemplateOf(args.type, args.props);
    if (template === undefined) return;
    const config = args.getConfig<ImagePinningConfig>();
    for (const container of containersOf(template.spec)) {
      const image = asString(container.body.image);
      if (image === undefined) {
        reportViolation(`${describeObject(args.props)}: ${container.label} has no image`);
        continue;
      }
      const reason = unpinnedReason(image, config);
      if (reason !== undefined) reportViolation(`${describeObject(args.props)}: ${container.label} image "${image}" ${reason}`);
    }
  },
};
