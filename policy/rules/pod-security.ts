import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeObject, podTemplateOf, WORKLOAD_TYPES, type ContainerRef } from "../lib/kubernetes";
import { asList, asObject, at, type JsonObject } from "../lib/values";

const ALLOWED_SECCOMP = ["RuntimeDefault", "Localhost"];
// The one capability Pod Security "restricted" lets a container add back.
const ALLOWED_ADDED_CAPABILITIES = ["NET_BIND_SERVICE"];

/** Every way one pod template falls short of Pod Security Admission `restricted`. */
export function restrictedPodProblems(podSpec: JsonObject): string[] {
  const problems: string[] = [];
  const pod = asObject(podSpec.securityContext) ?? {};
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (podSpec[field] === true) problems.push(`spec.${field} must not be true`);
  }
  for (const volume of asList(podSpec.volumes)) {
    if (at(volume, "hostPath") !== undefined) problems.push(`volume "${String(at(volume, "name"))}" must not be a hostPath`);
  }
  for (const container of containersOf(podSpec)) problems.push(...containerProblems(container, pod));
  return problems;
}

function containerProblems({ label, body }: ContainerRef, pod: JsonObject): string[] {
  const problems: string[] = [];
  const own = asObject(body.securityContext) ?? {};
  // A container setting overrides the pod's; either place satisfies the rule.
  const effective = (field: string): unknown => (own[field] !== undefined ? own[field] : pod[field]);

  if (effective("runAsNonRoot") !== true) problems.push(`${label}: set securityContext.runAsNonRoot: true (here or on the pod)`);
  if (effective("runAsUser") === 0) problems.push(`${label}: runAsUser must not be 0 (root)`);
  if (own.privileged === true) problems.push(`${label}: securityContext.privileged must not be true`);
  if (own.allowPrivilegeEscalation !== false) problems.push(`${label}: set securityContext.allowPrivilegeEscalation: false`);

  const drop = asList(at(own, "capabilities", "drop"));
  if (!drop.includes("ALL")) problems.push(`${label}: set securityContext.capabilities.drop: [ALL]`);
  const added = asList(at(own, "capabilities", "add")).filter((c) => !ALLOWED_ADDED_CAPABILITIES.includes(String(c)));
  if (added.length > 0) problems.push(`${label}: securityContext.capabilities.add may only hold NET_BIND_SERVICE, not ${added.join(", ")}`);

  const seccomp = at(effective("seccompProfile"), "type");
  if (!ALLOWED_SECCOMP.includes(String(seccomp))) {
    problems.push(`${label}: set securityContext.seccompProfile.type: RuntimeDefault (here or on the pod)`);
  }
  return problems;
}

export const podsRestricted: ResourceValidationPolicy = {
  name: "pods-restricted",
  description:
    "Every pod (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) meets Pod Security 'restricted': runs as non-root, no privilege escalation, all capabilities dropped, a RuntimeDefault or Localhost seccomp profile, no host namespaces or hostPath volumes.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Build the pod from restrictedPodSecurityContext() and restrictedContainerSecurityContext() in components/builders/kube/pod-security.ts.",
  validateResource: (args, reportViolation) => {
    if (!WORKLOAD_TYPES.includes(args.type)) return;
    const template = podTemplateOf(args.type, args.props);
    if (template === undefined) return;
    for (const problem of restrictedPodProblems(template.spec)) reportViolation(`${describeObject(args.props)}: ${problem}`);
  },
};
