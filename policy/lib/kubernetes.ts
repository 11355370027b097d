import { K8S, LABELS } from "./conventions";
import { asList, asObject, asString, asStringMap, at, type JsonObject } from "./values";

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  [K8S.deployment]: ["spec", "template"],
  [K8S.statefulSet]: ["spec", "template"],
  [K8S.daemonSet]: ["spec", "template"],
  [K8S.replicaSet]: ["spec", "template"],
  [K8S.job]: ["spec", "template"],
  [K8S.cronJob]: ["spec", "jobTemplate", "spec", "template"],
};

export const WORKLOAD_TYPES: readonly string[] = [K8S.pod, ...Object.keys(POD_TEMPLATE_PATHS)];

export interface PodTemplate {
  /** Labels the pods will carry (what a NetworkPolicy selects). */
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: JsonObject;
}

/** The pod template of a workload (or the Pod itself), or undefined for other types. */
export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
  if (type === K8S.pod) {
    const spec = asObject(at(props, "spec"));
    return spec && { labels: asStringMap(at(props, "metadata", "labels")), spec };
  }
  const path = POD_TEMPLATE_PATHS[type];
  if (path === undefined) return undefined;
  const template = at(props, ...path);
  const spec = asObject(at(template, "spec"));
  return spec && { labels: asStringMap(at(template, "metadata", "labels")), spec };
}

export interface ContainerRef {
  /** e.g. `container "openclaw"` or `initContainer "init-config"`, for messages. */
  readonly label: string;
  readonly body: JsonObject;
}

export function containersOf(podSpec: JsonObject): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const [field, label] of [
    ["initContainers", "initContainer"],
    ["containers", "container"],
    ["ephemeralContainers", "ephemeralContainer"],
  ] as const) {
    for (const item of asList(podSpec[field])) {
      const body = asObject(item);
      if (body !== undefined) out.push({ label: `${label} "${asString(body.name) ?? "?"}"`, body });
    }
  }
  return out;
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for messages. */
export function describeObject(props: unknown): string {
  const kind = asString(at(props, "kind")) ?? "object";
  const name = asString(at(props, "metadata", "name")) ?? "?";
  const namespace = asString(at(props, "metadata", "namespace"));
  return namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
}

/** An unset namespace is `default`, as the API server would make it. */
export function namespaceOf(props: unknown): string {
  return asString(at(props, "metadata", "namespace")) ?? "default";
}

export function labelsOf(props: unknown): Readonly<Record<string, string>> {
  return asStringMap(at(props, "metadata", "labels"));
}

/** The `<tenant>/<instance>` an object belongs to, from the fleet's labels. */
export function instanceKey(labels: Readonly<Record<string, string>>): string | undefined {
  const tenant = labels[LABELS.tenant];
  const instance = labels[LABELS.instance];
  return tenant !== undefined && instance !== undefined ? `${tenant}/${instance}` : undefined;
}

/** Kubernetes LabelSelector semantics; an empty selector selects everything. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const object = asObject(selector);
  if (object === undefined) return false;
  for (const [key, value] of Object.entries(asStringMap(object.matchLabels))) if (labels[key] !== value) return false;
  for (const item of asList(object.matchExpressions)) {
    const key = asString(at(item, "key")) ?? "";
    const values = asList(at(item, "values")).filter((v): v is string => typeof v === "string");
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    const value = present ? labels[key] : undefined;
    switch (asString(at(item, "operator"))) {
      case "In":
        if (value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
