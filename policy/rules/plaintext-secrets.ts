import type { ResourceValidationPolicy } from "@pulumi/policy";
import { K8S } from "../lib/conventions";
import { containersOf, describeObject, podTemplateOf, WORKLOAD_TYPES } from "../lib/kubernetes";
import { credentialShape, plaintextSecretReason, secretsInDocument } from "../lib/secrets";
import { asList, asObject, asString } from "../lib/values";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Secret-looking entries of a ConfigMap's `data`, including inside JSON documents it holds. */
export function configMapSecretProblems(data: unknown): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(asObject(data) ?? {})) {
    if (typeof value !== "string") continue;
    const document = /^\s*[{[]/.test(value) ? parseJson(value) : undefined;
    if (document !== undefined) {
      problems.push(...secretsInDocument(document, `data["${key}"]`));
      continue;
    }
    const reason = plaintextSecretReason(key, value);
    if (reason !== undefined) problems.push(`data["${key}"] ${reason}`);
  }
  return problems;
}

/** Literal env values and command lines of every container that carry a secret. */
export function podSecretProblems(podSpec: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const { label, body } of containersOf(podSpec)) {
    for (const entry of asList(body.env)) {
      const name = asString(asObject(entry)?.name) ?? "?";
      const value = asString(asObject(entry)?.value);
      if (value === undefined) continue;
      const reason = plaintextSecretReason(name, value);
      if (reason !== undefined) problems.push(`${label}: env ${name} ${reason}; take it from a Secret with valueFrom.secretKeyRef`);
    }
    for (const field of ["command", "args"] as const) {
      asList(body[field]).forEach((item, i) => {
        const shape = typeof item === "string" ? credentialShape(item) : undefined;
        if (shape !== undefined)
          problems.push(`${label}: ${field}[${i}] holds what looks like ${shape}; command lines are visible to anyone who can list pods`);
      });
    }
  }
  return problems;
}

export const noPlaintextSecrets: ResourceValidationPolicy = {
  name: "no-plaintext-secrets",
  description:
    "No secret-looking values in ConfigMaps, literal container env or command lines: names such as TOKEN, SECRET, PASSWORD or *_KEY with a literal value, or values shaped like keys and tokens. Secrets belong in Kubernetes Secrets fed from Pulumi secrets.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Put the value under `secrets` in the stack config (pulumi config set --secret --path secrets.<name>) and reference it as { secretRef: <name> }, or use envFrom/secretRef to an existing Secret.",
  validateResource: (args, reportViolation) => {
    const problems =
      args.type === K8S.configMap
        ? configMapSecretProblems(args.props.data)
        : WORKLOAD_TYPES.includes(args.type)
          ? podSecretProblems(podTemplateOf(args.type, args.props)?.spec ?? {})
          : [];
    for (const problem of problems) reportViolation(`${describeObject(args.props)}: ${problem}`);
  },
};
