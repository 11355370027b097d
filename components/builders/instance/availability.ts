import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/**
 * The fewest pods the instance runs: its replicas, or the autoscaler's
 * minimum (the HPA owns the count then).
 */
function minimumPods(instance: InstanceModel): number {
  const a = instance.spec.availability.autoScaling;
  return a.enabled ? a.minReplicas : instance.spec.replicas;
}

/**
 * Limits voluntary disruptions (drains, upgrades), only where that protects
 * something: with more pods than `maxUnavailable`, so a drain keeps some
 * serving. One replica with `maxUnavailable: 1` protects nothing, and
 * `maxUnavailable: 0` on one replica would block every node drain; both
 * render no PDB. Undefined when turned off.
 */
export function buildPodDisruptionBudget(instance: InstanceModel): k8s.types.input.policy.v1.PodDisruptionBudget | undefined {
  const pdb = instance.spec.availability.podDisruptionBudget;
  if (!pdb.enabled) return undefined;
  const pods = minimumPods(instance);
  if (pods < 2 || pdb.maxUnavailable === 0 || pdb.maxUnavailable >= pods) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: instanceMetadata(instance, featureNames(instance).podDisruptionBudget),
    spec: { maxUnavailable: pdb.maxUnavailable, selector: { matchLabels: selectorLabels(instance.tenant, instance.name) } },
  };
}

/** Scales the StatefulSet on CPU (and memory) utilization; only for instances without persistent volumes. */
export function buildAutoscaler(instance: InstanceModel): k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler | undefined {
  const a = instance.spec.availability.autoScaling;
  if (!a.enabled) return undefined;
  const metric = (name: "cpu" | "memory", target: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization: target } },
  });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: instanceMetadata(instance, featureNames(instance).autoscaler),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: instance.names.statefulSet },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        metric("cpu", a.targetCPUUtilization),
        ...(a.targetMemoryUtilization !== undefined ? [metric("memory", a.targetMemoryUtilization)] : []),
      ],
    },
  };
}
