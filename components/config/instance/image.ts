import { z } from "zod";
import { dnsLabel, imageDigest, imageRepository, imageTag } from "../primitives";

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/openclaw/openclaw";
export const pullPolicy = z.enum(["IfNotPresent", "Always", "Never"]);

/** The OpenClaw image. A missing version is checked after `defaults` are merged in (load.ts), since either may set it. */
export const image = z
  .object({
    repository: imageRepository.default(DEFAULT_IMAGE_REPOSITORY),
    tag: imageTag.optional(),
    /** Wins over `tag`. */
    digest: imageDigest.optional(),
    pullPolicy: pullPolicy.default("IfNotPresent"),
    /** Names of docker-registry Secrets in the tenant namespace. */
    pullSecrets: z.array(dnsLabel("Secret name", 253)).default([]),
  })
  .strict()
  .prefault({});

/**
 * The image of a sidecar or helper container. The operator defaults these to
 * `latest`; here a version must be pinned (tag or digest) when the feature is
 * on, so that every sidecar upgrade shows up in a preview.
 */
export function sidecarImage(repository: string) {
  return z
    .object({
      repository: imageRepository.default(repository),
      tag: imageTag.optional(),
      digest: imageDigest.optional(),
    })
    .strict()
    .prefault({});
}
export type SidecarImage = z.output<ReturnType<typeof sidecarImage>>;

/** `repository:tag` or `repository@sha256:…`; a digest wins over a tag. */
export function imageReference(img: { repository: string; tag?: string; digest?: string }): string {
  if (img.digest !== undefined) return `${img.repository}@${img.digest}`;
  return `${img.repository}:${img.tag ?? ""}`;
}
