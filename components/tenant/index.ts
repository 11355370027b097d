import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildEngineConfigMap } from "../backup/engine-config-map";
import type { BackupStoreRef } from "../backup/store";
import type { FleetModel, TenantModel } from "../config/model";
import { lifecycleHooks } from "../backup/hooks";
import { OpenClawInstance } from "../instance";
import type { RolloutOrder } from "../rollout/order";
import { buildLimitRange } from "./builders/limit-range";
import { buildNamespace } from "./builders/namespace";
import { keptClaims } from "./kept-claims";
import { buildResourceQuota } from "./builders/resource-quota";

export interface TenantArgs {
  readonly model: TenantModel;
  readonly fleet: FleetModel;
  /** The store this tenant's instances back up to; undefined when backups are off. */
  readonly store?: BackupStoreRef;
  /** The fleet's rollout waves, which order the instances' workloads. */
  readonly rollout?: RolloutOrder;
}

export interface TenantOutputs {
  readonly namespace: string;
  readonly instances: Record<string, { gatewayEndpoint: pulumi.Output<string>; gatewayTokenSecret: { name: string; key: string } }>;
}

/** A tenant: its Namespace (restricted), optional quota and limits, and its instances. */
export class Tenant extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly instances: ReadonlyMap<string, OpenClawInstance>;
  private readonly namespaceName: string;

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:tenant:Tenant", name, {}, opts);
    const model = args.model;
    this.namespaceName = model.namespace;
    // Deleting a Namespace deletes every claim in it: a tenant whose claims are kept keeps its Namespace when removed.
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, buildNamespace(model), {
      parent: this,
      retainOnDelete: keptClaims(model).length > 0,
      hooks: lifecycleHooks()?.namespace,
    });
    const quota = buildResourceQuota(model);
    if (quota !== undefined) new k8s.core.v1.ResourceQuota(`${name}-quota`, quota, { parent: this, dependsOn: [this.namespace] });
    const limits = buildLimitRange(model);
    if (limits !== undefined) new k8s.core.v1.LimitRange(`${name}-limits`, limits, { parent: this, dependsOn: [this.namespace] });

    // One engine ConfigMap for the namespace's backup pods, not a 90 KB copy per instance.
    const backedUp = args.store !== undefined && model.instances.some((i) => i.spec.backup.enabled);
    const backupEngine = backedUp ? new k8s.core.v1.ConfigMap(`${name}-backup-engine`, buildEngineConfigMap(model), { parent: this, dependsOn: [this.namespace] }) : undefined;

    const instances = new Map<string, OpenClawInstance>();
    for (const instance of model.instances) {
      instances.set(
        instance.name,
        new OpenClawInstance(instance.logicalName, { model: instance, namespace: this.namespace, fleet: args.fleet, store: args.store, backupEngine, rollout: args.rollout }, { parent: this }),
      );
    }
    this.instances = instances;
    this.registerOutputs({ namespace: model.namespace });
  }

  outputs(): TenantOutputs {
    const instances: TenantOutputs["instances"] = {};
    for (const [name, instance] of this.instances) {
      instances[name] = { gatewayEndpoint: instance.gatewayEndpoint, gatewayTokenSecret: instance.gatewayTokenSecret };
    }
    return { namespace: this.namespaceName, instances };
  }
}
