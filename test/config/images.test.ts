// `openclaw-fleet:images`: every image the program renders (app, backup, sidecars, helper and user
// init containers, in StatefulSets, CronJobs and Jobs) follows `registry` and `replace`, asserted
// on the objects the program registers; unset, nothing changes; bad values name their path and fix.
import { strict as assert } from "node:assert";
import { BACKUP_IMAGE } from "../../components/config/backup-image";
import { overrideInstanceImages, registryAndPath } from "../../components/config/image-override";
import { instanceSchema } from "../../components/config/instance-schema";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import { backupStack } from "../backup-k8s/fixtures";
import { configProblems, kubernetesObjects, runProgram } from "../support/stacks";

const PINNED = { tag: "1.2.3" };
/** Every container the program can render: each sidecar and helper, and the user's own. */
const EVERY_IMAGE_INSTANCE: Record<string, unknown> = {
  ...ALL_OPTIONS_INSTANCE,
  runtimeDeps: { pnpm: true, python: true, uvImage: PINNED },
  skills: ["github"],
  initContainers: [{ name: "wait", image: "busybox:1.37" }],
  sidecars: [{ name: "proxy", image: "nginxinc/nginx-unprivileged:1.27" }],
};
const MIRROR = "registry.internal:5000/mirror";
const E2E_BACKUP = `registry.e2e.invalid/rclone/rclone@sha256:${"b".repeat(64)}`;

/** `<kind>/<name>/<container>` → image, for every container and init container of every pod template. */
async function renderedImages(extra: Record<string, unknown> = {}): Promise<Map<string, string>> {
  const objects = kubernetesObjects(await runProgram(backupStack({}, { instance: EVERY_IMAGE_INSTANCE, extra })));
  const out = new Map<string, string>();
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, where));
    else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if ((key === "containers" || key === "initContainers") && Array.isArray(child)) {
          for (const c of child as { name: string; image: string }[]) out.set(`${where}/${c.name}`, c.image);
        } else visit(child, where);
      }
    }
  };
  for (const o of objects) visit(o.spec, `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
  return out;
}

describe("config: openclaw-fleet:images points every image elsewhere", function () {
  this.timeout(300_000);
  let plain: Map<string, string>;
  before(async () => {
    plain = await renderedImages();
  });

  it("renders what the config names when unset or empty", async () => {
    // The app image also runs init-config, init-pnpm, init-skills and the SQLite capture; tailscale also its init.
    assert.deepEqual([...new Set(plain.values())].sort(), [
      "busybox:1.37",
      `${BACKUP_IMAGE.repository}@${BACKUP_IMAGE.digest}`,
      "ghcr.io/astral-sh/uv:1.2.3",
      "ghcr.io/browserless/chromium:1.2.3",
      "ghcr.io/openclaw/openclaw:2026.9.6",
      "ghcr.io/tailscale/tailscale:1.2.3",
      "nginxinc/nginx-unprivileged:1.27",
      "ollama/ollama:1.2.3",
      "otel/opentelemetry-collector-contrib:1.2.3",
      "tsl0922/ttyd:1.2.3",
    ]);
    assert.ok(plain.size >= 20, `every container of the instance, its backups and the other tenant's: ${plain.size}`);
    const empty = await renderedImages({ images: {} });
    assert.deepEqual([...empty].sort(), [...plain].sort());
  });

  it("`registry` rewrites the registry of every container's image and keeps tags and digests", async () => {
    const mirrored = await renderedImages({ images: { registry: MIRROR } });
    assert.deepEqual([...mirrored.keys()].sort(), [...plain.keys()].sort(), "the same containers");
    for (const [container, image] of plain) {
      const { path } = registryAndPath(image.replace(/@.*$/, "").replace(/:[^/:]*$/, ""));
      const version = image.slice(image.replace(/@.*$/, "").replace(/:[^/:]*$/, "").length);
      assert.equal(mirrored.get(container), `${MIRROR}/${path}${version}`, container);
    }
    const images = new Set(mirrored.values());
    for (const expected of [
      `${MIRROR}/openclaw/openclaw:2026.9.6`,
      `${MIRROR}/rclone/rclone@${BACKUP_IMAGE.digest}`,
      `${MIRROR}/library/busybox:1.37`,
      `${MIRROR}/nginxinc/nginx-unprivileged:1.27`,
      `${MIRROR}/tailscale/tailscale:1.2.3`,
      `${MIRROR}/ollama/ollama:1.2.3`,
      `${MIRROR}/astral-sh/uv:1.2.3`,
      `${MIRROR}/otel/opentelemetry-collector-contrib:1.2.3`,
    ]) {
      assert.ok(images.has(expected), `${expected} among ${[...images].join(", ")}`);
    }
  });

  it("`replace` swaps one image (with its version, or keeping the original's) and wins over `registry`", async () => {
    const replaced = await renderedImages({
      images: {
        registry: MIRROR,
        replace: {
          "docker.io/rclone/rclone": E2E_BACKUP,
          "ghcr.io/openclaw/openclaw": "registry.e2e.invalid/openclaw/openclaw",
          busybox: "registry.e2e.invalid/busybox:1.36",
        },
      },
    });
    for (const [container, image] of replaced) {
      const original = plain.get(container) ?? "";
      if (original.startsWith("docker.io/rclone/rclone@")) assert.equal(image, E2E_BACKUP, container);
      else if (original.startsWith("ghcr.io/openclaw/openclaw:"))
        assert.equal(image, "registry.e2e.invalid/openclaw/openclaw:2026.9.6", container);
      else if (original === "busybox:1.37") assert.equal(image, "registry.e2e.invalid/busybox:1.36", container);
      else assert.ok(image.startsWith(`${MIRROR}/`), `${container}: ${image}`);
    }
    assert.ok(
      [...replaced.values()].filter((i) => i === E2E_BACKUP).length >= 2,
      "the CronJob and the one-shot backup templates run the replacement",
    );
  });

  it("rewrites every image field of the instance spec: a new one fails here until image-override.ts handles it", () => {
    const spec = instanceSchema.parse({
      image: { tag: "1.0" },
      initContainers: [{ name: "a", image: "busybox:1.37" }],
      sidecars: [{ name: "b", image: "busybox:1.37" }],
    });
    const { spec: out } = overrideInstanceImages(spec, { registry: "registry.example.com", replace: {} });
    const seen: string[] = [];
    const walk = (before: unknown, after: unknown, path: string): void => {
      if (typeof before !== "object" || before === null) return;
      for (const [key, value] of Object.entries(before)) {
        const next = (after as Record<string, unknown>)[key];
        const isImage = (key === "repository" && typeof value === "string") || (key === "image" && typeof value === "string");
        if (isImage) {
          seen.push(`${path}.${key}`);
          assert.ok(String(next).startsWith("registry.example.com/"), `${path}.${key}: ${String(next)} is not rewritten`);
        } else walk(value, next, `${path}.${key}`);
      }
    };
    walk(spec, out, "spec");
    assert.equal(seen.length, 10, `the image fields: ${seen.join(", ")}`);
  });

  it("refuses bad values with their path and the fix", () => {
    const problems = (images: Record<string, unknown>) =>
      configProblems(backupStack({}, { instance: EVERY_IMAGE_INSTANCE, extra: { images } }));
    assert.deepEqual(problems({ registry: "https://registry.example.com" }), [
      'images.registry: "https://registry.example.com" has a scheme: write the registry as host[:port][/path] (e.g. registry.example.com/mirror)',
    ]);
    assert.deepEqual(problems({ registry: "mirror" }), [
      'images.registry: "mirror" would be read as a Docker Hub path, not a registry host: give the host a dot or a port (e.g. mirror.internal or mirror:5000)',
    ]);
    assert.deepEqual(problems({ registry: "Registry.example.com" }), [
      'images.registry: "Registry.example.com" is not a registry: write host[:port][/path] in lowercase (e.g. registry.example.com/mirror or registry.internal:5000)',
    ]);
    assert.deepEqual(problems({ registy: MIRROR }), ['images.registy: unknown key; did you mean "registry"?']);
    assert.match(
      problems({ replace: { "docker.io/rclone/rclone": "registry.e2e.invalid/rclone:1.68.2" } }).join("\n"),
      /^images\.replace\.docker\.io\/rclone\/rclone: the backup image is pinned by digest only \(it holds the store credentials\): replace it with a reference that has one, e\.g\. registry\.e2e\.invalid\/rclone@sha256:<64 hex digits>$/,
    );
    assert.deepEqual(problems({ replace: { "ghcr.io/openclaw/openclaw": "registry.e2e.invalid/openclaw:1:2" } }), [
      'images.replace.ghcr.io/openclaw/openclaw: "registry.e2e.invalid/openclaw:1:2" is not an image reference: repository[:tag][@sha256:<64 hex digits>] (e.g. busybox:1.37), with the tag written once',
    ]);
    const unused = problems({ replace: { "ghcr.io/openclaw/openclow": "registry.e2e.invalid/openclaw" } });
    assert.equal(unused.length, 1);
    assert.match(
      unused[0] ?? "",
      /^images\.replace\.ghcr\.io\/openclaw\/openclow: no image of this stack has the repository ghcr\.io\/openclaw\/openclow: key the replacement by one it uses \(.*ghcr\.io\/openclaw\/openclaw.*\), or remove it$/,
    );
  });
});
