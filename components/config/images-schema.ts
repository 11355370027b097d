import { z } from "zod";
import { imageRef } from "./primitives";
import { isImageRepository } from "./validators";

// host[:port] then optional path components, as distribution/reference spells them.
const HOST = /^(?:localhost|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::\d{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Why a registry value is refused, or undefined. */
function registryProblem(value: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(value))
    return `${JSON.stringify(value)} has a scheme: write the registry as host[:port][/path] (e.g. registry.example.com/mirror)`;
  const [host, ...path] = value.split("/");
  if (host === undefined || !HOST.test(host) || !path.every((p) => PATH_COMPONENT.test(p))) {
    return `${JSON.stringify(value)} is not a registry: write host[:port][/path] in lowercase (e.g. registry.example.com/mirror or registry.internal:5000)`;
  }
  // Without a dot, a port or "localhost", a container runtime reads the first part as a Docker Hub user.
  if (host !== "localhost" && !host.includes(".") && !host.includes(":")) {
    return `${JSON.stringify(value)} would be read as a Docker Hub path, not a registry host: give the host a dot or a port (e.g. ${host}.internal or ${host}:5000)`;
  }
  return undefined;
}

const registry = z.string().superRefine((value, ctx) => {
  const problem = registryProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const repositoryKey = z.string().refine(isImageRepository, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an image repository: key each replacement by the repository alone, as the program or the config names it (e.g. docker.io/rclone/rclone, ghcr.io/openclaw/openclaw)`,
});

/**
 * Where every image the program renders comes from: the app, the backup
 * image, sidecars, helper and user init containers. For air-gapped clusters
 * and private mirrors; unset, every image is what the config names.
 */
export const imagesSchema = z
  .object({
    /**
     * Replaces the registry of every image: `ghcr.io/openclaw/openclaw:2026.9.6` becomes
     * `<registry>/openclaw/openclaw:2026.9.6`, Docker Hub's `busybox` becomes
     * `<registry>/library/busybox`; tags and digests stay.
     */
    registry: registry.optional(),
    /**
     * One image instead of another, by repository: the reference used in its place
     * (`repository`, `repository:tag` or `repository@sha256:…`; without a version, the original's
     * stays). Wins over `registry`.
     */
    replace: z.record(repositoryKey, imageRef).default({}),
  })
  .strict()
  .prefault({});

export type ImagesSpec = z.output<typeof imagesSchema>;
