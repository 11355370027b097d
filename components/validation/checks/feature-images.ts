import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** The images of the features the program adds to the pod, each pinned like the app's. */
export const featureImages: ConfigCheck = {
  id: "feature-images",
  refuses:
    "an enabled feature whose image has no version (`chromium`, `tailscale`, `ollama`, `webTerminal`, `runtimeDeps.python`'s uv image, the metrics collector): every sidecar upgrade must be pinned and show in a preview",
  example: {
    config: { tenants: { acme: { instances: { bot: { chromium: { enabled: true } } } } } },
    path: "tenants.acme.instances.bot.chromium.image.tag",
    message: "no image version: set chromium.image.tag or .digest",
  },
  settings(spec) {
    const images: [boolean, (string | number)[], { tag?: string; digest?: string }][] = [
      [spec.chromium.enabled, ["chromium", "image"], spec.chromium.image],
      [spec.tailscale.enabled, ["tailscale", "image"], spec.tailscale.image],
      [spec.ollama.enabled, ["ollama", "image"], spec.ollama.image],
      [spec.webTerminal.enabled, ["webTerminal", "image"], spec.webTerminal.image],
      [spec.runtimeDeps.python, ["runtimeDeps", "uvImage"], spec.runtimeDeps.uvImage],
      [spec.observability.metrics.enabled, ["observability", "metrics", "collectorImage"], spec.observability.metrics.collectorImage],
    ];
    const problems: InstanceProblem[] = [];
    for (const [on, path, image] of images) {
      if (on && image.tag === undefined && image.digest === undefined) {
        problems.push({
          path: [...path, "tag"],
          message: `no image version: set ${path.join(".")}.tag or .digest (here or in defaults), so that every sidecar upgrade is pinned and shows in a preview`,
        });
      }
    }
    return problems;
  },
};
