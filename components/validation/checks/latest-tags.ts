import type { ConfigCheck, InstanceProblem } from "../../config/check";

const LATEST = `"latest" is not a pinned version: set a release tag or a digest (sha256:…), so that a preview shows every upgrade`;

/** `latest` moves under a running fleet: an image is pinned by a release tag or a digest. */
export const latestTags: ConfigCheck = {
  id: "latest-tags",
  refuses:
    "the tag `latest` without a digest, on the OpenClaw image or a feature's image (`chromium`, `tailscale`, `ollama`, `webTerminal`, `runtimeDeps.uvImage`, the metrics collector), whether the feature is on or not",
  example: {
    config: { tenants: { acme: { instances: { bot: { image: { tag: "latest" } } } } } },
    path: "tenants.acme.instances.bot.image.tag",
    message: '"latest" is not a pinned version',
  },
  settings(spec) {
    const images: [(string | number)[], { tag?: string; digest?: string }][] = [
      [["image"], spec.image],
      [["observability", "metrics", "collectorImage"], spec.observability.metrics.collectorImage],
      [["runtimeDeps", "uvImage"], spec.runtimeDeps.uvImage],
      [["chromium", "image"], spec.chromium.image],
      [["tailscale", "image"], spec.tailscale.image],
      [["ollama", "image"], spec.ollama.image],
      [["webTerminal", "image"], spec.webTerminal.image],
    ];
    const problems: InstanceProblem[] = [];
    for (const [path, image] of images)
      if (image.digest === undefined && image.tag === "latest") problems.push({ path: [...path, "tag"], message: LATEST });
    return problems;
  },
};
