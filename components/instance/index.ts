import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { InstanceBackup } from "../backup/instance-backup";
import type { BackupStoreRef } from "../backup/store";
import type { FleetModel, InstanceModel } from "../config/model";
import { buildConfigMap } from "./builders/config-map";
import { buildDataClaim } from "./builders/data-claim";
import { buildGatewaySecret, gatewayTokenRef } from "./builders/gateway-secret";
import { buildNetworkPolicy } from "./builders/network-policy";
import { buildRole, buildRoleBinding } from "./builders/role";
import { buildService } from "./builders/service";
import { buildServiceAccount } from "./builders/service-account";
import { buildStatefulSet } from "./builders/stateful-set";
import { GATEWAY_PORT } from "./ports";

export interface OpenClawInstanceArgs {
  /** The validated instance, with its tenant, namespace and derived names. */
  readonly model: InstanceModel;
  /** The tenant's Namespace, which every object here must wait for. */
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
  readonly fleet: FleetModel;
  /** Where this instance's backups go; undefined when backups are off for the stack. */
  readonly store?: BackupStoreRef;
}

/**
 * One OpenClaw instance: its identity, config, token, volume, workload,
 * Service and NetworkPolicy. Objects come from pure builders; this class only
 * wires parents, dependencies and outputs.
 */
export class OpenClawInstance extends pulumi.ComponentResource {
  /** In-cluster address of the gateway, `host:port`. */
  public readonly gatewayEndpoint: pulumi.Output<string>;
  /** Secret (name/key) holding the gateway token. */
  public readonly gatewayTokenSecret: { readonly name: string; readonly key: string };
  public readonly statefulSet: k8s.apps.v1.StatefulSet;
  public readonly dataClaim?: k8s.core.v1.PersistentVolumeClaim;

  constructor(name: string, args: OpenClawInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:instance:OpenClawInstance", name, {}, opts);
    const model = args.model;
    const child = (extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn: [args.namespace],
      ...extra,
    });

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, buildServiceAccount(model), child());
    const role = new k8s.rbac.v1.Role(`${name}-role`, buildRole(model), child());
    new k8s.rbac.v1.RoleBinding(`${name}-rolebinding`, buildRoleBinding(model), child({ dependsOn: [role, serviceAccount] }));
    const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, buildConfigMap(model), child());

    const dependencies: pulumi.Resource[] = [serviceAccount, configMap];
    if (model.spec.gateway.existingSecret === undefined) {
      // Generated once and kept in state, so the token is stable across runs.
      const token = new random.RandomPassword(`${name}-gateway-token`, { length: 48, special: false }, { parent: this });
      dependencies.push(new k8s.core.v1.Secret(`${name}-gateway-token`, buildGatewaySecret(model, token.result), child()));
    }

    const claim = buildDataClaim(model);
    if (claim !== undefined) {
      this.dataClaim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-data`,
        claim,
        child({ retainOnDelete: model.spec.persistence.orphan }),
      );
      dependencies.push(this.dataClaim);
    }

    if (args.store !== undefined && model.spec.backup.enabled) {
      const backup = new InstanceBackup(
        `${name}-backup`,
        { fleet: args.fleet, model, store: args.store, namespace: args.namespace, dataClaim: this.dataClaim },
        { parent: this },
      );
      // A restore must finish before the app starts on the volume.
      dependencies.push(...backup.beforeWorkload);
    }

    this.statefulSet = new k8s.apps.v1.StatefulSet(`${name}-statefulset`, buildStatefulSet(model), child({ dependsOn: [args.namespace, ...dependencies] }));
    new k8s.core.v1.Service(`${name}-service`, buildService(model), child());

    const networkPolicy = buildNetworkPolicy(model);
    if (networkPolicy !== undefined) new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, networkPolicy, child());

    this.gatewayEndpoint = pulumi.output(`${model.names.service}.${model.namespace}.svc.cluster.local:${GATEWAY_PORT}`);
    this.gatewayTokenSecret = gatewayTokenRef(model);
    this.registerOutputs({ gatewayEndpoint: this.gatewayEndpoint, gatewayTokenSecret: this.gatewayTokenSecret });
  }
}
