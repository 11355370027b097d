import { isPlainObject } from "../../config/merge";
import { joinPath, type ConfigProblem } from "../../config/problems";
import type { ConfigCheck } from "../../config/check";

/** Every `{ secretRef: <name> }` of the stack, anywhere but under `secrets`, names an entry of `secrets`. */
export const secretRefs: ConfigCheck = {
  id: "secret-refs",
  refuses: "a `{ secretRef: <name> }` anywhere in the stack that names no entry of `secrets`, with the command that sets it",
  example: {
    config: { tenants: { acme: { instances: { bot: { env: { GREETING: { secretRef: "greeting" } } } } } } },
    path: "tenants.acme.instances.bot.env.GREETING.secretRef",
    message: `secret "greeting" is not set; run \`pulumi config set --secret --path 'secrets.greeting' <value>\``,
  },
  stack({ stack, raw }) {
    if (stack === undefined) return [];
    const problems: ConfigProblem[] = [];
    const visit = (value: unknown, path: PropertyKey[]): void => {
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
      else if (isPlainObject(value)) {
        const ref = value.secretRef;
        if (typeof ref === "string" && Object.keys(value).length === 1 && !(ref in stack.secrets)) {
          problems.push({
            path: joinPath([...path, "secretRef"]),
            message: `secret "${ref}" is not set; run \`pulumi config set --secret --path 'secrets.${ref}' <value>\``,
          });
        }
        for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
      }
    };
    for (const [key, value] of Object.entries(raw.values)) if (key !== "secrets") visit(value, [key]);
    return problems;
  },
};
