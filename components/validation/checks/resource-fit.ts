import type * as k8s from "@pulumi/kubernetes";
import { APP_CONTAINER } from "../../builders/instance/pod/app-container";
import { buildStatefulSet } from "../../builders/instance/stateful-set";
import type { InstanceModel, TenantModel } from "../../config/model";
import { joinPath, type ConfigProblem } from "../../config/problems";
import { quantityValue } from "../../config/validators";
import type { ConfigCheck } from "../../config/check";

type Container = k8s.types.input.core.v1.Container;
type Resource = "cpu" | "memory";
const RESOURCES: readonly Resource[] = ["cpu", "memory"];

/** The option that sets a program container's resources, by container name. */
const FEATURE_CONTAINERS: Readonly<Record<string, string>> = {
  [APP_CONTAINER]: "",
  chromium: "chromium",
  tailscale: "tailscale",
  ollama: "ollama",
  "init-ollama": "ollama",
  "web-terminal": "webTerminal",
};

interface PodContainer {
  readonly name: string;
  readonly init: boolean;
  readonly requests: Partial<Record<Resource, string>>;
  readonly limits: Partial<Record<Resource, string>>;
  /** Config path of its resources below the instance; undefined for a container whose resources the program fixes. */
  readonly path?: (string | number)[];
}

function resourcesOf(c: Container): { requests: Partial<Record<Resource, string>>; limits: Partial<Record<Resource, string>> } {
  const r = (c.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** Every container of the instance's pod as the program builds it, with the option that sets its resources. */
function podContainers(instance: InstanceModel): PodContainer[] {
  const pod = buildStatefulSet(instance).spec as { template: { spec: { containers: Container[]; initContainers?: Container[] } } };
  const spec = instance.spec;
  const userPath = (name: string): (string | number)[] | undefined => {
    for (const key of ["initContainers", "sidecars"] as const) {
      const i = spec[key].findIndex((c) => c.name === name);
      if (i >= 0) return [key, i, "resources"];
    }
    return undefined;
  };
  const describe = (c: Container, init: boolean): PodContainer => {
    const name = String(c.name);
    const feature = FEATURE_CONTAINERS[name];
    const path = feature === undefined ? userPath(name) : feature === "" ? ["resources"] : [feature, "resources"];
    return { name, init, ...resourcesOf(c), path };
  };
  return [
    ...(pod.template.spec.initContainers ?? []).map((c) => describe(c, true)),
    ...pod.template.spec.containers.map((c) => describe(c, false)),
  ];
}

function format(value: number, resource: Resource): string {
  if (resource === "cpu") return `${Number(value.toFixed(3))}`;
  return value >= 2 ** 30 ? `${Number((value / 2 ** 30).toFixed(2))}Gi` : `${Number((value / 2 ** 20).toFixed(1))}Mi`;
}

/** A LimitRange max refuses any pod with a container above it, so the StatefulSet would never get a pod. */
function limitRangeProblems(tenant: TenantModel, backupOn: boolean): ConfigProblem[] {
  const max = tenant.spec.limitRange?.max;
  if (max === undefined) return [];
  const problems: ConfigProblem[] = [];
  for (const instance of tenant.instances) {
    const base = ["tenants", tenant.name, "instances", instance.name];
    const containers = podContainers(instance);
    if (backupOn && instance.spec.backup.enabled)
      containers.push({ name: "backup", init: false, ...instance.spec.backup.resources, path: ["backup", "resources"] });
    for (const c of containers) {
      for (const resource of RESOURCES) {
        const allowed = max[resource];
        if (allowed === undefined) continue;
        for (const kind of ["limits", "requests"] as const) {
          const value = c[kind][resource];
          if (value === undefined || (quantityValue(value) ?? 0) <= (quantityValue(allowed) ?? Infinity)) continue;
          problems.push(
            c.path !== undefined
              ? {
                  path: joinPath([...base, ...c.path, kind, resource]),
                  message: `${value} is above tenants.${tenant.name}.limitRange.max.${resource} (${allowed}), so the namespace would refuse the pod: lower it or raise the max`,
                }
              : {
                  path: joinPath(["tenants", tenant.name, "limitRange", "max", resource]),
                  message: `${allowed} is below the ${kind} of container "${c.name}" of instance "${instance.name}" (${value}), so the namespace would refuse its pod: raise the max`,
                },
          );
          break;
        }
      }
    }
  }
  return problems;
}

/** What one running pod counts against a quota: its containers together, or its largest init container. */
function podUsage(containers: readonly PodContainer[], kind: "requests" | "limits", resource: Resource): number {
  const sum = containers.filter((c) => !c.init).reduce((n, c) => n + (quantityValue(c[kind][resource] ?? "0") ?? 0), 0);
  const init = Math.max(0, ...containers.filter((c) => c.init).map((c) => quantityValue(c[kind][resource] ?? "0") ?? 0));
  return Math.max(sum, init);
}

/** A ResourceQuota the instances cannot fit in leaves some of them without pods (or claims). */
function quotaProblems(tenant: TenantModel): ConfigProblem[] {
  const quota = tenant.spec.quota;
  if (quota === undefined) return [];
  const running = tenant.instances.filter((i) => i.spec.replicas > 0 || i.spec.availability.autoScaling.enabled);
  const pods = running.map((i) => ({
    instance: i,
    containers: podContainers(i),
    replicas: i.spec.availability.autoScaling.enabled ? i.spec.availability.autoScaling.minReplicas : i.spec.replicas,
  }));
  const problems: ConfigProblem[] = [];
  const over = (key: string, need: number, allowed: number, what: string, fix: string) => {
    if (need > allowed)
      problems.push({
        path: joinPath(["tenants", tenant.name, "quota", key]),
        message: `the tenant's instances need ${what}, more than the quota allows: ${fix}`,
      });
  };
  const compute: [keyof NonNullable<TenantModel["spec"]["quota"]>, "requests" | "limits", Resource][] = [
    ["requestsCpu", "requests", "cpu"],
    ["requestsMemory", "requests", "memory"],
    ["limitsCpu", "limits", "cpu"],
    ["limitsMemory", "limits", "memory"],
  ];
  for (const [key, kind, resource] of compute) {
    const allowed = quota[key];
    if (typeof allowed !== "string") continue;
    const need = pods.reduce((n, p) => n + p.replicas * podUsage(p.containers, kind, resource), 0);
    over(
      key,
      need,
      quantityValue(allowed) ?? Infinity,
      `${format(need, resource)} of ${kind}.${resource} (quota ${allowed}) before any backup pod runs`,
      "raise the quota or lower the instances' resources",
    );
  }
  if (quota.pods !== undefined)
    over(
      "pods",
      pods.reduce((n, p) => n + p.replicas, 0),
      quota.pods,
      `${pods.reduce((n, p) => n + p.replicas, 0)} pods (quota ${quota.pods}) before any backup pod runs`,
      "raise the quota",
    );
  const claims = tenant.instances.flatMap((i) =>
    [i.spec.persistence, i.spec.workspaceVolume].filter((v) => v.enabled && v.existingClaim === undefined),
  );
  if (quota.persistentVolumeClaims !== undefined)
    over(
      "persistentVolumeClaims",
      claims.length,
      quota.persistentVolumeClaims,
      `${claims.length} volume claims (quota ${quota.persistentVolumeClaims})`,
      "raise the quota",
    );
  if (quota.requestsStorage !== undefined) {
    const need = claims.reduce((n, v) => n + (quantityValue(v.size) ?? 0), 0);
    over(
      "requestsStorage",
      need,
      quantityValue(quota.requestsStorage) ?? Infinity,
      `${format(need, "memory")} of storage (quota ${quota.requestsStorage})`,
      "raise the quota or shrink the volumes",
    );
  }
  return problems;
}

export const resourceFit: ConfigCheck = {
  id: "resource-fit",
  example: {
    config: { tenants: { acme: { quota: { pods: 0 } } } },
    path: "tenants.acme.quota.pods",
    message: "the tenant's instances need 1 pods (quota 0)",
  },
  refuses:
    "a container (the app, a sidecar, an init or backup container) above its tenant's `limitRange.max`, and instances that need more CPU, memory, pods, claims or storage than their tenant's `quota`",
  stack: ({ tenants, stack }) => {
    const backupOn = stack !== undefined && stack.backup.enabled && stack.backup.store !== undefined;
    return tenants.flatMap((t) => [...limitRangeProblems(t, backupOn), ...quotaProblems(t)]);
  },
};
