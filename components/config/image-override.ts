/**
 * `openclaw-fleet:images`: every image of an instance pointed elsewhere (a
 * private registry, one image replaced), applied to the validated instance
 * spec, so every builder, hook and preview sees the image the pod will run.
 * Unset, the spec is returned as it is: nothing rendered changes.
 */
import type { ImagesSpec } from "./images-schema";
import type { InstanceSpec } from "./instance-schema";
import { joinPath, type ConfigProblem } from "./problems";

export interface ImageParts {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** `repository[:tag][@digest]` into its parts (the reference is already validated). */
export function parseImageReference(reference: string): ImageParts {
  const at = reference.indexOf("@");
  const name = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const colon = name.lastIndexOf(":");
  const hasTag = colon > name.lastIndexOf("/");
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    ...(hasTag ? { tag: name.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function formatImageReference(parts: ImageParts): string {
  return `${parts.repository}${parts.tag !== undefined ? `:${parts.tag}` : ""}${parts.digest !== undefined ? `@${parts.digest}` : ""}`;
}

/**
 * A repository as a container runtime reads it: its registry host and its path there. The first
 * part is a host when it has a dot or a port or is `localhost`; otherwise the image is Docker Hub's
 * (`busybox` is `docker.io/library/busybox`).
 */
export function registryAndPath(repository: string): { readonly registry: string; readonly path: string } {
  const slash = repository.indexOf("/");
  const first = slash < 0 ? "" : repository.slice(0, slash);
  if (first !== "" && (first.includes(".") || first.includes(":") || first === "localhost")) {
    const registry = first === "index.docker.io" ? "docker.io" : first;
    const path = repository.slice(slash + 1);
    return { registry, path: registry === "docker.io" && !path.includes("/") ? `library/${path}` : path };
  }
  return { registry: "docker.io", path: slash < 0 ? `library/${repository}` : repository };
}

const canonical = (repository: string) => {
  const { registry, path } = registryAndPath(repository);
  return `${registry}/${path}`;
};

/** Whether the config asks for any change at all. */
export function overridesImages(images: ImagesSpec | undefined): images is ImagesSpec {
  return images !== undefined && (images.registry !== undefined || Object.keys(images.replace).length > 0);
}

/** The image to run instead of `image`, by `replace` first, then `registry`. */
export function overrideImage<T extends ImageParts>(image: T, images: ImagesSpec): T {
  const key = canonical(image.repository);
  const replacement = Object.entries(images.replace).find(([repository]) => canonical(repository) === key)?.[1];
  if (replacement !== undefined) {
    const parts = parseImageReference(replacement);
    // A replacement without a version takes the original's, so a mirror follows every upgrade.
    if (parts.tag === undefined && parts.digest === undefined) return { ...image, repository: parts.repository };
    const { tag: _tag, digest: _digest, ...rest } = image;
    return { ...rest, ...parts } as T;
  }
  if (images.registry !== undefined) return { ...image, repository: `${images.registry}/${registryAndPath(image.repository).path}` };
  return image;
}

function overrideReference(reference: string, images: ImagesSpec): string {
  return formatImageReference(overrideImage(parseImageReference(reference), images));
}

/** Every repository an instance names (features turned off included), for checking `replace` keys. */
export function instanceRepositories(spec: InstanceSpec): string[] {
  return [
    spec.image.repository,
    spec.backup.image.repository,
    spec.chromium.image.repository,
    spec.tailscale.image.repository,
    spec.ollama.image.repository,
    spec.webTerminal.image.repository,
    spec.runtimeDeps.uvImage.repository,
    spec.observability.metrics.collectorImage.repository,
    ...spec.initContainers.map((c) => parseImageReference(c.image).repository),
    ...spec.sidecars.map((c) => parseImageReference(c.image).repository),
  ];
}

/**
 * The spec with every image overridden: the app, the backup image, each
 * sidecar and helper image, and the user's own init containers and sidecars.
 */
export function overrideInstanceImages(
  spec: InstanceSpec,
  images: ImagesSpec | undefined,
): { spec: InstanceSpec; problems: ConfigProblem[] } {
  if (!overridesImages(images)) return { spec, problems: [] };
  const problems: ConfigProblem[] = [];
  const backupImage = overrideImage<ImageParts>(spec.backup.image, images);
  if (backupImage.digest === undefined) {
    const key =
      Object.keys(images.replace).find((repository) => canonical(repository) === canonical(spec.backup.image.repository)) ??
      spec.backup.image.repository;
    problems.push({
      path: joinPath(["images", "replace", key]),
      message: `the backup image is pinned by digest only (it holds the store credentials): replace it with a reference that has one, e.g. ${parseImageReference(images.replace[key] ?? key).repository}@sha256:<64 hex digits>`,
    });
  }
  const o = <T extends ImageParts>(image: T) => overrideImage(image, images);
  return {
    spec: {
      ...spec,
      image: o(spec.image),
      backup: {
        ...spec.backup,
        image: { ...spec.backup.image, repository: backupImage.repository, digest: backupImage.digest ?? spec.backup.image.digest },
      },
      chromium: { ...spec.chromium, image: o(spec.chromium.image) },
      tailscale: { ...spec.tailscale, image: o(spec.tailscale.image) },
      ollama: { ...spec.ollama, image: o(spec.ollama.image) },
      webTerminal: { ...spec.webTerminal, image: o(spec.webTerminal.image) },
      runtimeDeps: { ...spec.runtimeDeps, uvImage: o(spec.runtimeDeps.uvImage) },
      observability: {
        ...spec.observability,
        metrics: { ...spec.observability.metrics, collectorImage: o(spec.observability.metrics.collectorImage) },
      },
      initContainers: spec.initContainers.map((c) => ({ ...c, image: overrideReference(c.image, images) })),
      sidecars: spec.sidecars.map((c) => ({ ...c, image: overrideReference(c.image, images) })),
    },
    problems,
  };
}

/** `replace` keys that name no image of the stack: most likely a misspelt repository. */
export function unusedReplacements(images: ImagesSpec | undefined, specs: readonly InstanceSpec[]): ConfigProblem[] {
  // Without instances there is nothing to check against (a stack being set up).
  if (images === undefined || specs.length === 0) return [];
  const used = new Set(specs.flatMap((spec) => instanceRepositories(spec).map(canonical)));
  return Object.keys(images.replace)
    .filter((repository) => !used.has(canonical(repository)))
    .map((repository) => ({
      path: joinPath(["images", "replace", repository]),
      message: `no image of this stack has the repository ${repository}: key the replacement by one it uses (${[...used].sort().join(", ")}), or remove it`,
    }));
}
