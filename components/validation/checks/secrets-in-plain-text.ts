import { joinPath, type ConfigProblem } from "../../config/problems";
import type { RawStackConfig } from "../../config/raw-config";
import type { ConfigCheck } from "../../config/check";

const SET_SECRET = (name: string) => `pulumi config set --secret --path 'secrets.${name}' <value>`;

function underSecrets(path: string): string | undefined {
  return /^secrets\.(.+)$/.exec(path)?.[1];
}

/**
 * Secrets live only under `secrets`, and only encrypted. Pulumi tells the program only which
 * top-level keys hold a secret, so one encrypted entry makes the whole `secrets` map look
 * encrypted: each entry is checked against the stack file, which says leaf by leaf.
 */
function placementProblems(raw: RawStackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const leaves = raw.leafSecrecy;
  if (raw.values.secrets !== undefined) {
    const plain = leaves === undefined ? [] : [...leaves.plain].map(underSecrets).filter((n): n is string => n !== undefined);
    if (!raw.secretKeys.has("secrets") && plain.length === 0) {
      problems.push({ path: "secrets", message: `is stored in plain text; set each value with \`${SET_SECRET("<name>")}\`` });
    }
    for (const name of plain.sort()) {
      problems.push({
        path: joinPath(["secrets", name]),
        message: `is stored in plain text in the stack file; set it encrypted with \`${SET_SECRET(name)}\``,
      });
    }
  }
  for (const key of [...raw.secretKeys].sort()) {
    if (key === "secrets") continue;
    const secure =
      leaves === undefined ? [] : [...leaves.secure].filter((p) => p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`));
    for (const path of secure.length > 0 ? secure.sort() : [key]) {
      problems.push({
        path,
        message:
          "holds a secret value; put secrets under `secrets` (pulumi config set --secret --path 'secrets.<name>') and reference them as { secretRef: <name> }",
      });
    }
  }
  return problems;
}

export const secretsInPlainText: ConfigCheck = {
  id: "secrets-in-plain-text",
  example: { config: { secrets: { "api-key": "sk-123" } }, secretKeys: [], path: "secrets", message: "is stored in plain text" },
  refuses:
    "a plain-text entry under `secrets` (each entry must be encrypted, even when others are), and an encrypted value anywhere but under `secrets`",
  stack: ({ raw }) => placementProblems(raw),
};
