import { ownedObjects } from "../../config/owned-objects";
import { dashboardFileName, dashboardUid } from "../../builders/instance/grafana-dashboard";
import type { InstanceModel, TenantModel } from "../../config/model";
import { joinPath, type ConfigProblem } from "../../config/problems";
import type { ConfigCheck } from "../../config/check";

/**
 * The instances of a tenant share a namespace, so no two may derive the same name for objects
 * of one kind: instance `bot-backup` would otherwise take instance `bot`'s backup ServiceAccount.
 */
function objectNameProblems(tenant: TenantModel): ConfigProblem[] {
  const owners = new Map<string, string>();
  const clashes = new Map<string, { instance: string; other: string; name: string; kinds: Set<string> }>();
  for (const instance of tenant.instances) {
    for (const object of ownedObjects(instance)) {
      const key = `${object.kind}/${object.name}`;
      const other = owners.get(key);
      if (other === undefined) owners.set(key, instance.name);
      else if (other !== instance.name) {
        const clash = clashes.get(`${instance.name}\0${object.name}`) ?? {
          instance: instance.name,
          other,
          name: object.name,
          kinds: new Set<string>(),
        };
        clash.kinds.add(object.kind);
        clashes.set(`${instance.name}\0${object.name}`, clash);
      }
    }
  }
  return [...clashes.values()].map((clash) => ({
    path: joinPath(["tenants", tenant.name, "instances", clash.instance]),
    message: `derived Kubernetes name "${clash.name}" collides with one of instance "${clash.other}" in namespace ${tenant.namespace} (${[...clash.kinds].sort().join(", ")}); rename one of the two instances`,
  }));
}

/** Grafana's dashboard sidecar loads every dashboard into one Grafana: uids and file names are fleet-wide. */
function dashboardProblems(tenants: readonly TenantModel[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, InstanceModel>();
  for (const instance of tenants.flatMap((t) => t.instances)) {
    if (!instance.spec.observability.grafanaDashboard.enabled) continue;
    for (const [what, id] of [
      ["uid", dashboardUid(instance)],
      ["file name", dashboardFileName(instance)],
    ] as const) {
      const other = seen.get(`${what}\0${id}`);
      if (other === undefined) {
        seen.set(`${what}\0${id}`, instance);
        continue;
      }
      problems.push({
        path: joinPath(["tenants", instance.tenant, "instances", instance.name, "observability", "grafanaDashboard", "enabled"]),
        message: `the Grafana dashboard ${what} "${id}" is also that of ${other.tenant}/${other.name}, and Grafana would show only one of them: rename one of the two instances, or turn off observability.grafanaDashboard for one`,
      });
    }
  }
  return problems;
}

export const derivedNames: ConfigCheck = {
  id: "derived-names",
  example: {
    config: { tenants: { acme: { instances: { "bot-backup": { image: { tag: "2026.9.6" } } } } } },
    path: "tenants.acme.instances.bot-backup",
    message: 'derived Kubernetes name "bot-backup" collides with one of instance "bot"',
  },
  refuses:
    "two instances of a tenant deriving the same object name for one kind (e.g. `bot` and `bot-backup`), and two instances whose Grafana dashboard uid (truncated to 40 characters) or file name coincide",
  stack: ({ tenants }) => [...tenants.flatMap(objectNameProblems), ...dashboardProblems(tenants)],
};
