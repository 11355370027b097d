import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Features that cannot run safely without a credential of their own. */
export const featureCredentials: ConfigCheck = {
  id: "feature-credentials",
  refuses:
    "`tailscale.enabled` without `tailscale.authKeySecretRef` (an auth key), and `webTerminal.enabled` without `webTerminal.credential` (a login for the shell)",
  example: {
    config: { tenants: { acme: { instances: { bot: { webTerminal: { enabled: true, image: { tag: "1.7.7" } } } } } } },
    path: "tenants.acme.instances.bot.webTerminal.credential",
    message: "is required with webTerminal.enabled",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    if (spec.tailscale.enabled && spec.tailscale.authKeySecretRef === undefined) {
      problems.push({
        path: ["tailscale", "authKeySecretRef"],
        message:
          "is required with tailscale.enabled: name a Secret holding an ephemeral, reusable auth key (node state is not persisted, so an interactive login would be lost on every restart)",
      });
    }
    if (spec.webTerminal.enabled && spec.webTerminal.credential === undefined) {
      problems.push({
        path: ["webTerminal", "credential"],
        message:
          "is required with webTerminal.enabled: a shell into the instance reads every secret it holds; name a Secret with username and password keys (credential.secretRef.name)",
      });
    }
    return problems;
  },
};
