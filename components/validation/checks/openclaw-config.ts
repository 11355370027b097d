import type { ConfigCheck } from "../../config/check";
import { isPlainObject } from "../../config/merge";
import type { ConfigProblem } from "../../config/problems";
import { OPENCLAW_VERSION } from "../../config/openclaw-release";
import { openclawConfigProblems } from "../openclaw-config-schema";

/** `config.raw` as the user wrote it, at one level of the config (an instance or `defaults`). */
function rawConfigOf(level: unknown): unknown {
  return isPlainObject(level) && isPlainObject(level.config) ? level.config.raw : undefined;
}

function child(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

/**
 * The openclaw.json each instance gets, rendered and checked against the schema of the OpenClaw
 * release it runs; a problem is placed where the user wrote the value (the instance or `defaults`).
 */
export const openclawConfig: ConfigCheck = {
  id: "openclaw-config",
  example: {
    config: { tenants: { acme: { instances: { bot: { config: { raw: { gateway: { bindd: "lan" } } } } } } } },
    path: "tenants.acme.instances.bot.config.raw.gateway.bindd",
    message: /^unknown key in openclaw.json; OpenClaw .* refuses it/,
  },
  refuses: `an instance whose generated openclaw.json (\`config.raw\` merged with what the program manages) OpenClaw ${OPENCLAW_VERSION}'s own config schema refuses`,
  stack({ raw, tenants }) {
    const defaultsRaw = rawConfigOf(raw.values.defaults);
    const problems: ConfigProblem[] = [];
    for (const tenant of tenants) {
      for (const instance of tenant.instances) {
        const base = ["tenants", tenant.name, "instances", instance.name];
        const own = child(child(child(raw.values.tenants, tenant.name), "instances"), instance.name);
        problems.push(...openclawConfigProblems(instance, { base, ownRaw: rawConfigOf(own), defaultsRaw }));
      }
    }
    return problems;
  },
};
