/**
 * The registry host the suite's images are named under. No registry runs
 * there (`.invalid` never resolves): the images are imported into the node's
 * containerd by name, and the stack config points at them with
 * `openclaw-fleet:images` (see imagesConfig in index.ts).
 */
export const E2E_REGISTRY = "registry.openclaw-fleet.invalid";
