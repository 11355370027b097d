import { strict as assert } from "node:assert";
import { imagesPinned, parseImage, unpinnedReason } from "../../policy/rules/image-pinning";
import { evaluate, registration } from "./harness";

const DIGEST = `sha256:${"a".repeat(64)}`;

const job = (image: string) =>
  registration("kubernetes:batch/v1:CronJob", "backup", {
    kind: "CronJob",
    metadata: { name: "backup", namespace: "t" },
    spec: {
      jobTemplate: {
        spec: {
          template: { spec: { initContainers: [{ name: "fetch", image }], containers: [{ name: "main", image: "rclone/rclone:1.68.2" }] } },
        },
      },
    },
  });

describe("policy images-pinned", () => {
  it("parses registry ports, tags and digests apart", () => {
    assert.deepEqual(parseImage("registry.local:5000/team/app"), { repository: "registry.local:5000/team/app" });
    assert.deepEqual(parseImage("registry.local:5000/team/app:1.2"), { repository: "registry.local:5000/team/app", tag: "1.2" });
    assert.deepEqual(parseImage(`ghcr.io/openclaw/openclaw:2026.9.6@${DIGEST}`), {
      repository: "ghcr.io/openclaw/openclaw",
      tag: "2026.9.6",
      digest: DIGEST,
    });
  });

  it("accepts release tags and digests, rejects no tag, latest and bad digests", () => {
    assert.equal(unpinnedReason("ghcr.io/openclaw/openclaw:2026.9.6"), undefined);
    assert.equal(unpinnedReason(`ghcr.io/openclaw/openclaw@${DIGEST}`), undefined);
    assert.equal(unpinnedReason(`ghcr.io/openclaw/openclaw:latest@${DIGEST}`), undefined, "a digest pins even a floating tag");
    assert.match(unpinnedReason("ghcr.io/openclaw/openclaw") ?? "", /no tag/);
    assert.match(unpinnedReason("registry.local:5000/app") ?? "", /no tag/);
    assert.match(unpinnedReason("busybox:latest") ?? "", /floating tag "latest"/);
    assert.match(unpinnedReason("busybox@sha256:abc") ?? "", /not a sha256 digest/);
  });

  it("honours allowedUnpinned, floatingTags and requireDigest", () => {
    assert.equal(unpinnedReason("registry.local/dev/tool:latest", { allowedUnpinned: ["registry.local/dev/*"] }), undefined);
    assert.match(unpinnedReason("registry.local/prod/tool:latest", { allowedUnpinned: ["registry.local/dev/*"] }) ?? "", /latest/);
    assert.match(unpinnedReason("busybox:stable", { floatingTags: ["latest", "stable"] }) ?? "", /floating tag "stable"/);
    assert.match(unpinnedReason("busybox:1.37", { requireDigest: true }) ?? "", /requires one/);
  });

  it("checks init containers of a CronJob, with the policy config applied", async () => {
    const [violation, ...rest] = await evaluate(imagesPinned, [job("alpine")]);
    assert.equal(rest.length, 0);
    assert.match(violation?.message ?? "", /^CronJob t\/backup: initContainer "fetch" image "alpine" has no tag/);
    assert.deepEqual(await evaluate(imagesPinned, [job("alpine")], { allowedUnpinned: ["alpine"] }), []);
  });
});
