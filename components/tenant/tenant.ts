import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildEngineConfigMap } from "../builders/backup/engine-config-map";
import type { BackupStoreRef } from "../backup-store/backup-store";
import type { FleetModel, TenantModel } from "../config/model";
import type { LifecycleHooks } from "../lifecycle-hooks/register";
import { OpenClawInstance } from "../instance/openclaw-instance";
import type { RolloutOrder } from "../fleet/rollout-order";
import { buildLimitRange } from "../builders/tenant/limit-range";
import { buildNamespace } from "../builders/tenant/namespace";
import { keptClaims } from "../builders/tenant/kept-claims";
import { buildResourceQuota } from "../builders/tenant/resource-quota";

export interface TenantArgs {
  readonly model: TenantModel;
  readonly fleet: FleetModel;
  /**
   * Where each of this tenant's instances backs up to (the tenant's bucket, or the instance's own
   * with `bucketPer: instance`); asked only for instances with backups on. Undefined when backups are off.
   */
  readonly storeFor?: (instance: string) => BackupStoreRef;
  /** The fleet's rollout waves, which order the instances' workloads. */
  readonly rollout?: RolloutOrder;
  /** The fleet's lifecycle hooks; absent where they cannot act (mocks, a render to a directory). */
  readonly hooks?: LifecycleHooks;
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
      hooks: args.hooks?.namespace,
    });
    const quota = buildResourceQuota(model);
    if (quota !== undefined) new k8s.core.v1.ResourceQuota(`${name}-quota`, quota, { parent: this, dependsOn: [this.namespace] });
    const limits = buildLimitRange(model);
    if (limits !== undefined) new k8s.core.v1.LimitRange(`${name}-limits`, limits, { parent: this, dependsOn: [this.namespace] });

    // One engine ConfigMap for the namespace's backup pods, not a 90 KB copy per instance.
    const backedUp = args.storeFor !== undefined && model.instances.some((i) => i.spec.backup.enabled);
    const backupEngine = backedUp
      ? new k8s.core.v1.ConfigMap(`${name}-backup-engine`, buildEngineConfigMap(model), { parent: this, dependsOn: [this.namespace] })
      : undefined;

    const instances = new Map<string, OpenClawInstance>();
    for (const instance of model.instances) {
      const store = instance.spec.backup.enabled ? args.storeFor?.(instance.name) : undefined;
      instances.set(
        instance.name,
        new OpenClawInstance(
          instance.logicalName,
          { model: instance, namespace: this.namespace, fleet: args.fleet, store, backupEngine, rollout: args.rollout, hooks: args.hooks },
          { parent: this },
        ),
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
