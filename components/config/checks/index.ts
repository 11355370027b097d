/**
 * Every config check that needs more than one value's schema, in one list. A new class of
 * refusal is a small file exporting a ConfigCheck, added here; the loader runs them all after
 * the schemas, and docs/config.md lists each one's `refuses` (test/docs checks it).
 */
import { configNamespaces } from "./config-namespaces";
import { configRawSecrets } from "./config-raw-secrets";
import { derivedNames } from "./derived-names";
import { globalNames } from "./global-names";
import { instanceIsolation } from "./isolation";
import { mountPaths } from "./mount-paths";
import { ownership } from "./ownership";
import { platformPolicy } from "./platform-policy";
import { resourceFit } from "./resource-fit";
import { rolloutFit } from "./rollout";
import { runChecks } from "./run";
import { secretEnvLiterals } from "./secret-env-literals";
import { secretsInPlainText } from "./secrets-in-plain-text";
import { stackSecretOwners } from "./stack-secrets";
import type { CheckContext, ConfigCheck } from "./types";

export const CONFIG_CHECKS: readonly ConfigCheck[] = [configNamespaces, secretsInPlainText, secretEnvLiterals, configRawSecrets, globalNames, derivedNames, ownership, stackSecretOwners, platformPolicy, mountPaths, resourceFit, instanceIsolation, rolloutFit];

export function configCheckProblems(context: CheckContext) {
  return runChecks(CONFIG_CHECKS, context);
}

export type { CheckContext, ConfigCheck, InstanceProblem } from "./types";
