import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Keys of openclaw.json that hold a credential (apiKey, botToken, clientSecret, password, …); `*Id`, `*File`, `*Path`, `*Env` are not matched. */
const SECRET_KEY = /(^|[_-]|[a-z])(api[_-]?key|token|secret|password|passwd|passphrase|private[_-]?key|access[_-]?key|credentials?)$/i;

/** A value that is not the credential itself: empty, or OpenClaw's `${ENV}` substitution (or a `$${…}` escape). */
function isPlaceholder(value: string): boolean {
  return value === "" || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value);
}

function envNameOf(key: string): string {
  return `OPENCLAW_${key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase()}`;
}

function literals(value: unknown, path: (string | number)[]): InstanceProblem[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => literals(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  const problems: InstanceProblem[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (typeof child === "string" && SECRET_KEY.test(key) && !isPlaceholder(child)) {
      const env = envNameOf(key);
      problems.push({
        path: [...path, key],
        message: `holds a credential in plain text, which would sit unencrypted in the stack file and the ConfigMap: store it with \`pulumi config set --secret --path 'secrets.<name>' <value>\`, pass it as env (env: { ${env}: { secretRef: <name> } }) and write "\${${env}}" here (OpenClaw substitutes it)`,
      });
    } else problems.push(...literals(child, [...path, key]));
  }
  return problems;
}

export const configRawSecrets: ConfigCheck = {
  id: "config-raw-secrets",
  example: {
    config: { tenants: { acme: { instances: { bot: { config: { raw: { channels: { telegram: { botToken: "123:abc" } } } } } } } } },
    path: "tenants.acme.instances.bot.config.raw.channels.telegram.botToken",
    message: "holds a credential in plain text",
  },
  refuses:
    "a credential-looking value in plain text inside `config.raw` (`apiKey`, `botToken`, `clientSecret`, `password`, …), with how to pass it as a secret and `${ENV}`",
  instance: (instance) => literals(instance.spec.config.raw, ["config", "raw"]),
};
