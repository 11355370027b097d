// The `openclaw-fleet:images` value the suite gets from imagesConfig(): the program accepts it and
// renders the suite's images in place of the app, backup, tailscale and metrics-collector images
// (no image of the program's own defaults is left over), so the suite never edits a manifest.
import { strict as assert } from "node:assert";
import { ALL_OPTIONS_INSTANCE } from "../../support/all-options";
import { backupStack } from "../../backup-k8s/fixtures";
import { configProblems, kubernetesObjects, runProgram } from "../../support/stacks";
import type { BuiltImage } from "./build";
import { E2E_REGISTRY, imagesConfig } from "./index";

const fake = (path: string, tag: string, hex: string): BuiltImage => ({
  archive: `/cache/${path}.tar`,
  reference: `${E2E_REGISTRY}/${path}:${tag}`,
  digest: `sha256:${hex.repeat(64)}`,
  pinned: `${E2E_REGISTRY}/${path}@sha256:${hex.repeat(64)}`,
});
const IMAGES = {
  app: fake("openclaw/openclaw", "2026.9.6", "a"),
  backup: fake("rclone/rclone", "1.68.2", "b"),
  tailscale: fake("tailscale/tailscale", "v1.96.5", "c"),
  metricsCollector: fake("otel/opentelemetry-collector-contrib", "0.165.1", "d"),
};
const INSTANCE = {
  image: { tag: "2026.9.6" },
  tailscale: ALL_OPTIONS_INSTANCE.tailscale,
  observability: ALL_OPTIONS_INSTANCE.observability,
};

describe("test/e2e/images: imagesConfig() for the suite's stack", function () {
  this.timeout(300_000);

  it("is accepted, and every container of the stack runs one of the suite's images", async () => {
    const raw = backupStack({}, { instance: INSTANCE, extra: { images: imagesConfig(IMAGES) } });
    assert.deepEqual(configProblems(raw), []);
    const images = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === "object" && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          if ((key === "containers" || key === "initContainers") && Array.isArray(child))
            for (const c of child as { image: string }[]) images.add(c.image);
          else visit(child);
        }
      }
    };
    for (const o of kubernetesObjects(await runProgram(raw))) visit(o.spec);
    assert.deepEqual(
      [...images].sort(),
      [IMAGES.app.reference, IMAGES.backup.pinned, IMAGES.metricsCollector.pinned, IMAGES.tailscale.pinned].sort(),
    );
  });
});
