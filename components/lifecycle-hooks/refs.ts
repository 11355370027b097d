/**
 * Which instance a hook is about, read from the inputs or outputs Pulumi
 * hands it (the StatefulSet or the restore Job), never from the current
 * config: a deleted instance is no longer there.
 */
import { TENANT_LABEL } from "../config/labels";
import { instanceNames } from "../config/names";
import type { InstanceRef } from "./workload";

interface ObjectLike {
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly labels?: unknown; readonly annotations?: unknown };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** Labels and annotations of a Kubernetes object as Pulumi passes it to a hook. */
export function objectMeta(object: unknown): {
  name?: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const meta = (object as ObjectLike | undefined)?.metadata;
  return {
    name: typeof meta?.name === "string" ? meta.name : undefined,
    namespace: typeof meta?.namespace === "string" ? meta.namespace : undefined,
    labels: stringRecord(meta?.labels),
    annotations: stringRecord(meta?.annotations),
  };
}

/** The instance an object of ours belongs to, from its namespace and labels; undefined when it is not one of ours. */
export function instanceRefOf(object: unknown): InstanceRef | undefined {
  const meta = objectMeta(object);
  const instance = meta.labels["app.kubernetes.io/instance"];
  const tenant = meta.labels[TENANT_LABEL];
  if (meta.namespace === undefined || instance === undefined || tenant === undefined) return undefined;
  return { tenant, instance, namespace: meta.namespace, statefulSet: instanceNames(instance).statefulSet };
}

/** The image of the named container in a StatefulSet object, if any. */
export function containerImage(object: unknown, container: string): string | undefined {
  const spec = (object as { spec?: { template?: { spec?: { containers?: unknown } } } } | undefined)?.spec?.template?.spec;
  const containers = Array.isArray(spec?.containers) ? (spec.containers as { name?: unknown; image?: unknown }[]) : [];
  const found = containers.find((c) => c.name === container);
  return typeof found?.image === "string" ? found.image : undefined;
}

/**
 * The object a delete hook is about: the inputs last applied, which say what
 * this program asked for (its labels and the pre-delete policy it recorded).
 * Not the outputs: the provider may hand back an object read before its last
 * apply (the end-to-end suite saw a StatefulSet keep, in state, a policy
 * annotation its last update had removed), and they also carry annotations
 * other field managers wrote.
 */
export function deletedObject(args: { readonly oldInputs?: unknown; readonly oldOutputs?: unknown }): unknown {
  return args.oldInputs ?? args.oldOutputs;
}
