import { tailscaleProblems } from "../../config/isolation/tailscale";
import type { ConfigCheck } from "../../config/check";

/** Only tailscaled runs as its UID (components/config/isolation/tailscale.ts, docs/security.md). */
export const tailscaleUid: ConfigCheck = {
  id: "tailscale-uid",
  refuses:
    "a pod, init container or sidecar of an instance with Tailscale that runs as the Tailscale daemon's UID, which could reconfigure Tailscale (serve, funnel)",
  example: {
    config: {
      tenants: {
        acme: {
          instances: {
            bot: {
              tailscale: { enabled: true, image: { tag: "v1.90.6" }, authKeySecretRef: { name: "tailscale-auth" } },
              podSecurityContext: { runAsUser: 65532 },
            },
          },
        },
      },
    },
    path: "tenants.acme.instances.bot.podSecurityContext.runAsUser",
    message: "is tailscaled's UID",
  },
  stack: ({ tenants }) => tenants.flatMap((tenant) => tailscaleProblems(tenant)),
};
