import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LifecycleHooks } from "../lifecycle-hooks/register";
import { withLifecycleAnnotations } from "../lifecycle-hooks/annotations";
import { InstanceBackup } from "../instance-backup/instance-backup";
import type { BackupStoreRef } from "../backup-store/backup-store";
import type { VolumeSettings } from "../config/instance/storage";
import type { FleetModel, InstanceModel } from "../config/model";
import { joinPath } from "../config/problems";
import { buildAutoscaler, buildPodDisruptionBudget } from "../builders/instance/availability";
import { buildBasicAuthSecret, generatesBasicAuth } from "../builders/instance/basic-auth";
import { buildConfigMap } from "../builders/instance/config-map";
import { buildDataClaim, buildWorkspaceClaim } from "../builders/instance/data-claim";
import { buildEnvSecret } from "../builders/instance/env-secret";
import { buildGatewaySecret, gatewayTokenRef } from "../builders/instance/gateway-secret";
import { buildGrafanaDashboard } from "../builders/instance/grafana-dashboard";
import { buildIngress } from "../builders/instance/ingress";
import { buildPrometheusRule, buildServiceMonitor } from "../builders/instance/monitoring";
import { buildNetworkPolicy } from "../builders/instance/network-policy";
import { buildRole, buildRoleBinding } from "../builders/instance/role";
import { buildHeadlessService, buildMetricsService, buildService } from "../builders/instance/service";
import { buildServiceAccount } from "../builders/instance/service-account";
import { buildStatefulSet } from "../builders/instance/stateful-set";
import { buildTraefikMiddlewares } from "../builders/instance/traefik-middleware";
import { buildWorkspaceConfigMap } from "../builders/instance/workspace-config-map";
import type { RolloutOrder } from "../fleet/rollout-order";
import { ClaimGuard } from "./claim-guard";
import { ALPHANUMERIC, GeneratedSecret } from "./generated-secret";
import { featureNames } from "../config/feature-names";
import { GATEWAY_PORT } from "../config/ports";

/** Options for a Kubernetes object of this instance: parented here, after the namespace and `dependsOn`. */
type Child = (dependsOn?: pulumi.Resource[], extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions;

export interface OpenClawInstanceArgs {
  /** The validated instance, with its tenant, namespace and derived names. */
  readonly model: InstanceModel;
  /** The tenant's Namespace, which every object here must wait for. */
  readonly namespace: pulumi.Input<k8s.core.v1.Namespace>;
  readonly fleet: FleetModel;
  /** Where this instance's backups go; undefined when backups are off for the stack. */
  readonly store?: BackupStoreRef;
  /** The fleet's rollout waves: the StatefulSet waits for those of the wave before this instance's. */
  readonly rollout?: RolloutOrder;
  /** The tenant namespace's backup engine ConfigMap; present whenever an instance there has backups. */
  readonly backupEngine?: pulumi.Resource;
  /** The fleet's lifecycle hooks (pre-delete and pre-update backups, restore stop/start); absent where they cannot act. */
  readonly hooks?: LifecycleHooks;
}

/**
 * One OpenClaw instance: identity, config, secrets, volumes, workload,
 * Service, NetworkPolicy and the optional ingress, availability and
 * monitoring objects. Objects come from pure builders; this class only wires
 * parents, dependencies and outputs.
 */
export class OpenClawInstance extends pulumi.ComponentResource {
  /** In-cluster address of the gateway, `host:port`. */
  public readonly gatewayEndpoint: pulumi.Output<string>;
  /** Secret (name/key) holding the gateway token. */
  public readonly gatewayTokenSecret: { readonly name: string; readonly key: string };
  public readonly statefulSet: k8s.apps.v1.StatefulSet;
  public readonly dataClaim?: k8s.core.v1.PersistentVolumeClaim;
  public readonly workspaceClaim?: k8s.core.v1.PersistentVolumeClaim;
  /** The generated ingress basic-auth password (a secret Output), when one is generated. */
  public readonly basicAuthPassword?: pulumi.Output<string>;

  constructor(name: string, args: OpenClawInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:instance:OpenClawInstance", name, {}, opts);
    const model = args.model;
    const spec = model.spec;
    const child: Child = (dependsOn = [], extra) => ({ parent: this, ...extra, dependsOn: [args.namespace, ...dependsOn] });
    const configPath = ["tenants", model.tenant, "instances", model.name];

    const beforePods: pulumi.Resource[] = [];
    const serviceAccountSpec = buildServiceAccount(model);
    const serviceAccount =
      serviceAccountSpec !== undefined ? new k8s.core.v1.ServiceAccount(`${name}-sa`, serviceAccountSpec, child()) : undefined;
    if (serviceAccount !== undefined) beforePods.push(serviceAccount);
    const roleSpec = buildRole(model);
    const bindingSpec = buildRoleBinding(model);
    if (roleSpec !== undefined && bindingSpec !== undefined) {
      const role = new k8s.rbac.v1.Role(`${name}-role`, roleSpec, child());
      beforePods.push(
        new k8s.rbac.v1.RoleBinding(`${name}-rolebinding`, bindingSpec, child([role, ...(serviceAccount ? [serviceAccount] : [])])),
      );
    }
    beforePods.push(new k8s.core.v1.ConfigMap(`${name}-config`, buildConfigMap(model), child()));
    const seed = buildWorkspaceConfigMap(model);
    if (seed !== undefined) beforePods.push(new k8s.core.v1.ConfigMap(`${name}-workspace-seed`, seed, child()));

    if (spec.gateway.existingSecret === undefined) {
      // Generated once and kept in state, so the token is stable across runs.
      const token = new GeneratedSecret(`${name}-gateway-token`, { length: 48, alphabet: ALPHANUMERIC }, { parent: this });
      beforePods.push(new k8s.core.v1.Secret(`${name}-gateway-token`, buildGatewaySecret(model, token.value), child()));
    }
    const envSecret = buildEnvSecret(model, (ref) => args.fleet.secrets.resolve(ref));
    if (envSecret !== undefined) beforePods.push(new k8s.core.v1.Secret(`${name}-env`, envSecret, child()));

    this.dataClaim = this.claim(
      `${name}-data`,
      buildDataClaim(model),
      model.names.dataClaim,
      spec.persistence,
      joinPath([...configPath, "persistence"]),
      child,
    );
    this.workspaceClaim = this.claim(
      `${name}-workspace`,
      buildWorkspaceClaim(model),
      featureNames(model).workspaceClaim,
      spec.workspaceVolume,
      joinPath([...configPath, "workspaceVolume"]),
      child,
    );
    beforePods.push(...[this.dataClaim, this.workspaceClaim].filter((c): c is k8s.core.v1.PersistentVolumeClaim => c !== undefined));

    if (args.store !== undefined && spec.backup.enabled) {
      if (args.backupEngine === undefined) throw new Error(`${model.logicalName}: backups are on but the tenant has no engine ConfigMap`);
      const backup = new InstanceBackup(
        `${name}-backup`,
        {
          fleet: args.fleet,
          model,
          store: args.store,
          namespace: args.namespace,
          engine: args.backupEngine,
          restoreHooks: args.hooks?.restore,
          claims: [this.dataClaim, this.workspaceClaim].filter((c): c is k8s.core.v1.PersistentVolumeClaim => c !== undefined),
        },
        { parent: this },
      );
      // A restore must finish before the app starts on the volume.
      beforePods.push(...backup.beforeWorkload);
      // And on deletion the StatefulSet goes first: its pre-delete hook runs a Job from the backup
      // CronJob, with the backup identity, scripts and NetworkPolicy, which must all still exist.
      beforePods.push(backup);
    }

    const key = `${model.tenant}/${model.name}`;
    const previousWave: Promise<pulumi.Resource[]> = args.rollout?.after(key) ?? Promise.resolve([]);
    const dependsOn: Promise<pulumi.Input<pulumi.Resource>[]> = previousWave.then((wave) => [args.namespace, ...beforePods, ...wave]);
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      withLifecycleAnnotations(buildStatefulSet(model), args.fleet, model),
      {
        parent: this,
        hooks: args.hooks?.workload,
        dependsOn,
      },
    );
    args.rollout?.add(key, this.statefulSet);
    const service = new k8s.core.v1.Service(`${name}-service`, buildService(model), child());
    new k8s.core.v1.Service(`${name}-headless`, buildHeadlessService(model), child());
    const metricsServiceSpec = buildMetricsService(model);
    const metricsService =
      metricsServiceSpec !== undefined ? new k8s.core.v1.Service(`${name}-metrics`, metricsServiceSpec, child()) : undefined;

    const networkPolicy = buildNetworkPolicy(model, args.fleet.cluster.kubernetes);
    if (networkPolicy !== undefined) new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, networkPolicy, child());

    this.basicAuthPassword = this.ingress(name, model, service, child);
    this.availability(name, model, child);
    this.monitoring(name, model, metricsService ?? service, child);

    this.gatewayEndpoint = pulumi.output(`${model.names.service}.${model.namespace}.svc.cluster.local:${GATEWAY_PORT}`);
    this.gatewayTokenSecret = gatewayTokenRef(model);
    this.registerOutputs({ gatewayEndpoint: this.gatewayEndpoint, gatewayTokenSecret: this.gatewayTokenSecret });
  }

  /**
   * A PVC behind a ClaimGuard: a change of storage class or access modes
   * fails the preview instead of replacing the claim (see claim-guard.ts).
   */
  private claim(
    logicalName: string,
    claim: k8s.types.input.core.v1.PersistentVolumeClaim | undefined,
    claimName: string,
    settings: VolumeSettings,
    configPath: string,
    child: Child,
  ): k8s.core.v1.PersistentVolumeClaim | undefined {
    if (claim === undefined) return undefined;
    const guard = new ClaimGuard(
      `${logicalName}-guard`,
      { configPath, claimName, storageClass: settings.storageClass ?? "", accessModes: settings.accessModes },
      { parent: this },
    );
    return new k8s.core.v1.PersistentVolumeClaim(logicalName, claim, child([guard], { retainOnDelete: settings.orphan }));
  }

  private ingress(name: string, model: InstanceModel, service: k8s.core.v1.Service, child: Child): pulumi.Output<string> | undefined {
    const ingress = buildIngress(model);
    if (ingress === undefined) return undefined;
    const before: pulumi.Resource[] = [service];
    let password: pulumi.Output<string> | undefined;
    if (generatesBasicAuth(model)) {
      // Kept in state, so the password (and its hash) stay the same on every run.
      password = new GeneratedSecret(`${name}-basic-auth`, { length: 40, alphabet: ALPHANUMERIC }, { parent: this }).value;
      before.push(new k8s.core.v1.Secret(`${name}-basic-auth`, buildBasicAuthSecret(model, password), child()));
    }
    for (const mw of buildTraefikMiddlewares(model)) {
      before.push(new k8s.apiextensions.CustomResource(`${name}-middleware-${String(mw.metadata.name)}`, mw, child()));
    }
    new k8s.networking.v1.Ingress(`${name}-ingress`, ingress, child(before));
    return password;
  }

  private availability(name: string, model: InstanceModel, child: Child): void {
    const pdb = buildPodDisruptionBudget(model);
    if (pdb !== undefined) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, pdb, child());
    const hpa = buildAutoscaler(model);
    if (hpa !== undefined) new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, hpa, child([this.statefulSet]));
  }

  private monitoring(name: string, model: InstanceModel, service: k8s.core.v1.Service, child: Child): void {
    const serviceMonitor = buildServiceMonitor(model);
    if (serviceMonitor !== undefined) new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, serviceMonitor, child([service]));
    const rule = buildPrometheusRule(model);
    if (rule !== undefined) new k8s.apiextensions.CustomResource(`${name}-prometheusrule`, rule, child());
    const dashboard = buildGrafanaDashboard(model);
    if (dashboard !== undefined) new k8s.core.v1.ConfigMap(`${name}-dashboard`, dashboard, child());
  }
}
