import { unusedReplacements } from "../../config/image-override";
import type { ConfigCheck } from "../../config/check";

/** `images.replace` is keyed by the repositories the instances name as written. */
export const imageReplacements: ConfigCheck = {
  id: "image-replacements",
  refuses:
    "an `images.replace` key that is the repository of no image of the stack (most likely a misspelt one), with the repositories it uses",
  example: {
    config: { images: { replace: { "ghcr.io/openclaw/open-claw": "registry.example.com/openclaw/openclaw" } } },
    path: "images.replace.ghcr.io/openclaw/open-claw",
    message: "no image of this stack has the repository ghcr.io/openclaw/open-claw",
  },
  stack: ({ stack, written }) =>
    unusedReplacements(
      stack?.images,
      written.map((w) => w.spec),
    ),
};
