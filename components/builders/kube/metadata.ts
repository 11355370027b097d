import type * as k8s from "@pulumi/kubernetes";
import { instanceLabels, type Component } from "../../config/labels";
import type { InstanceModel } from "../../config/model";

/** Metadata for an object that belongs to an instance. */
export function instanceMetadata(
  instance: InstanceModel,
  name: string,
  component: Component = "gateway",
): k8s.types.input.meta.v1.ObjectMeta {
  return { name, namespace: instance.namespace, labels: instanceLabels(instance.tenant, instance.name, component) };
}
