import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../metadata";
import { featureNames } from "../names";

/** Limits voluntary disruptions (drains, upgrades); undefined when turned off. */
export function buildPodDisruptionBudget(instance: InstanceModel): k8s.types.input.policy.v1.PodDisruptionBudget | undefined {
  const pdb = instance.spec.availability.podDisruptionBudget;
  if (!pdb.enabled) return undefined;
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
      metrics: [metric("cpu", a.targetCPUUtilization), ...(a.targetMemoryUtilization !== undefined ? [metric("memory", a.targetMemoryUtilization)] : [])],
    },
  };
}
