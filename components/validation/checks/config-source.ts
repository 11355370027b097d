import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** openclaw.json comes from one place: inline `config.raw` or a ConfigMap of the user's. */
export const configSource: ConfigCheck = {
  id: "config-source",
  refuses: "both `config.raw` and `config.configMapRef` on one instance, and `config.format: json5` without `config.configMapRef`",
  example: {
    config: { tenants: { acme: { instances: { bot: { config: { raw: {}, configMapRef: { name: "bot-config" } } } } } } },
    path: "tenants.acme.instances.bot.config.configMapRef",
    message: "set config.raw or config.configMapRef, not both",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const c = spec.config;
    if (c.raw !== undefined && c.configMapRef !== undefined) {
      problems.push({
        path: ["config", "configMapRef"],
        message: "set config.raw or config.configMapRef, not both (config.raw may come from defaults: override it there)",
      });
    }
    if (c.format === "json5" && c.configMapRef === undefined) {
      problems.push({
        path: ["config", "format"],
        message: "json5 needs config.configMapRef: inline config.raw is stack YAML, which is always plain JSON",
      });
    }
    return problems;
  },
};
