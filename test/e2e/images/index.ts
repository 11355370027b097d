/**
 * The images the end-to-end suite's real node runs, built here (no registry
 * is reachable): each function returns the OCI archive (built on first use,
 * then cached by content in ~/.cache/openclaw-fleet/images) and the name to
 * import it as. Import: `ctr -n k8s.io images import <archive>` (the name is
 * in the archive's index). Point the program at them with `openclaw-fleet:images`
 * = imagesConfig(…), never by editing what it renders. docs/e2e.md#the-images.
 */
import { BACKUP_IMAGE } from "../../../components/config/backup-image";
import { DEFAULT_IMAGE_REPOSITORY } from "../../../components/config/instance-schema";
import type { BuiltImage } from "./build";

/** The repositories the program's schema defaults to for these sidecars (components/config/instance/). */
const TAILSCALE_REPOSITORY = "ghcr.io/tailscale/tailscale";
const COLLECTOR_REPOSITORY = "otel/opentelemetry-collector-contrib";

export { appImage, APP_ACCOUNT, APP_IMAGE_REFERENCE } from "./app-image";
export { backupImage, BACKUP_IMAGE_REFERENCE } from "./backup-image";
export { buildImage, imagesCacheDir, type BuiltImage } from "./build";
export { E2E_REGISTRY } from "./registry";
export { metricsCollectorImage, METRICS_COLLECTOR_IMAGE_REFERENCE, tailscaleImage, TAILSCALE_IMAGE_REFERENCE } from "./sidecar-images";

/** The arguments of `ctr` that import an image into the namespace the kubelet's CRI uses. */
export function ctrImportArgs(image: BuiltImage, address?: string): string[] {
  return [
    ...(address !== undefined ? ["--address", address] : []),
    "--namespace",
    "k8s.io",
    "images",
    "import",
    "--platform",
    "linux/amd64",
    image.archive,
  ];
}

export interface SuiteImages {
  readonly app: BuiltImage;
  readonly backup: BuiltImage;
  readonly tailscale?: BuiltImage;
  readonly metricsCollector?: BuiltImage;
}

/**
 * The `openclaw-fleet:images` value that runs these images: the app by repository (the
 * stack's `image.tag` stays, so an image bump is a new tag the suite imports under), every
 * other image by digest (the program pins the backup image so; a sidecar's tag in the stack
 * then does not matter).
 */
export function imagesConfig(images: SuiteImages): { replace: Record<string, string> } {
  const repository = (reference: string) => reference.slice(0, reference.lastIndexOf(":"));
  return {
    replace: {
      [DEFAULT_IMAGE_REPOSITORY]: repository(images.app.reference),
      [BACKUP_IMAGE.repository]: images.backup.pinned,
      ...(images.tailscale !== undefined ? { [TAILSCALE_REPOSITORY]: images.tailscale.pinned } : {}),
      ...(images.metricsCollector !== undefined ? { [COLLECTOR_REPOSITORY]: images.metricsCollector.pinned } : {}),
    },
  };
}
