import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** Names that say "this is a credential"; `*_KEY_ID`, `*_FILE` and `*_PATH` are not matched. */
const SECRET_NAME = /(^|_)(API_?KEY|AUTH_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?)$/i;

/** A value that is not the credential itself: empty, or a Kubernetes `$(VAR)` reference. */
function isReference(value: string): boolean {
  return value === "" || /^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$/.test(value);
}

function literalProblem(name: string, value: unknown, path: (string | number)[], fix: string): InstanceProblem[] {
  if (typeof value !== "string" || !SECRET_NAME.test(name) || isReference(value)) return [];
  return [
    { path, message: `${name} holds a credential in plain text, which would sit unencrypted in the stack file and the pod spec: ${fix}` },
  ];
}

const STACK_SECRET = "store it with `pulumi config set --secret --path 'secrets.<name>' <value>` and write { secretRef: <name> } here";
const KUBE_SECRET = "reference a Secret instead (valueFrom.secretKeyRef), or set it on the instance's env as { secretRef: <name> }";

export const secretEnvLiterals: ConfigCheck = {
  id: "secret-env-literals",
  example: {
    config: { tenants: { acme: { instances: { bot: { env: { OPENAI_API_KEY: "sk-123" } } } } } },
    path: "tenants.acme.instances.bot.env.OPENAI_API_KEY",
    message: "OPENAI_API_KEY holds a credential in plain text",
  },
  refuses:
    "a plain-text value for an environment variable named like a credential (`*_API_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, …) where a secret reference belongs",
  instance(instance, { raw }) {
    // An encrypted value in the instance settings is refused as such (secrets-in-plain-text).
    if (raw.secretKeys.has("tenants") || raw.secretKeys.has("defaults")) return [];
    const spec = instance.spec;
    const problems: InstanceProblem[] = [];
    for (const [name, value] of Object.entries(spec.env)) problems.push(...literalProblem(name, value, ["env", name], STACK_SECRET));
    spec.chromium.extraEnv.forEach((e, i) =>
      problems.push(...literalProblem(e.name, e.value, ["chromium", "extraEnv", i, "value"], KUBE_SECRET)),
    );
    for (const key of ["initContainers", "sidecars"] as const) {
      spec[key].forEach((c, i) =>
        c.env?.forEach((e, j) => problems.push(...literalProblem(e.name, e.value, [key, i, "env", j, "value"], KUBE_SECRET))),
      );
    }
    return problems;
  },
};
