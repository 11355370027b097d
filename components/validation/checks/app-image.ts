import { OPENCLAW_VERSION } from "../../config/openclaw-release";
import { joinPath } from "../../config/problems";
import type { ConfigCheck } from "../../config/check";

/**
 * Every rollout of OpenClaw is pinned and reviewable. Checked on each instance as written (a
 * version that `images.replace` supplies does not count), and never on `defaults` alone: a
 * defaults block without a version is fine when every instance sets one.
 */
export const appImage: ConfigCheck = {
  id: "app-image",
  refuses: "an instance whose OpenClaw image has no version (neither `image.tag` nor `image.digest`, on the instance or in `defaults`)",
  example: {
    config: { tenants: { acme: { instances: { bot: { image: { tag: undefined } } } } } },
    path: "tenants.acme.instances.bot.image.tag",
    message: "no image version: set image.tag",
  },
  stack: ({ written }) =>
    written
      .filter(({ spec }) => spec.image.tag === undefined && spec.image.digest === undefined)
      .map(({ tenant, name }) => ({
        path: joinPath(["tenants", tenant, "instances", name, "image", "tag"]),
        message: `no image version: set image.tag (e.g. ${OPENCLAW_VERSION}) or image.digest (sha256:…), here or in defaults, so that every rollout is pinned and reviewable`,
      })),
};
