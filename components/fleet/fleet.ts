import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BackupStore } from "../backup-store/backup-store";
import { identityMode } from "../config/backup-schema";
import type { FleetModel } from "../config/model";
import type { LifecycleHooks } from "../lifecycle-hooks/register";
import { RolloutOrder } from "./rollout-order";
import { fleetRolloutWaves } from "../builders/rollout/plan";
import { Tenant, type TenantOutputs } from "../tenant/tenant";

export interface FleetArgs {
  /** The validated stack config. */
  readonly model: FleetModel;
  /** The lifecycle hooks registered for this run (lifecycle-hooks/register.ts); absent where they cannot act. */
  readonly hooks?: LifecycleHooks;
}

/** The Kubernetes provider for the stack: a cluster, or a directory of YAML for `pulumi up` without one. */
export function kubernetesProviderArgs(model: Pick<FleetModel, "cluster">): k8s.ProviderArgs {
  const kube = model.cluster.kubernetes;
  if (kube.renderYamlToDirectory !== undefined) return { renderYamlToDirectory: kube.renderYamlToDirectory };
  return {
    ...(kube.kubeconfig !== undefined ? { kubeconfig: kube.kubeconfig } : {}),
    ...(kube.context !== undefined ? { context: kube.context } : {}),
    // Fail instead of silently applying to whatever cluster the ambient kubeconfig points at.
    deleteUnreachable: false,
  };
}

/** The AWS provider for the backup store and identities, or undefined when nothing of the fleet lives in AWS. */
export function awsProviderArgs(model: Pick<FleetModel, "aws" | "backup">): aws.ProviderArgs | undefined {
  const backup = model.backup;
  const needsAws = backup.enabled && backup.store !== undefined && (backup.store.kind === "aws" || identityMode(backup) !== "staticKeys");
  if (!needsAws || model.aws === undefined) return undefined;
  return { region: model.aws.region as aws.Region, defaultTags: { tags: model.aws.tags } };
}

/** The whole fleet: providers and one Tenant per configured tenant. */
export class Fleet extends pulumi.ComponentResource {
  public readonly kubernetes: k8s.Provider;
  /** Present when the backup store or the backup roles live in AWS. */
  public readonly aws?: aws.Provider;
  public readonly tenants: ReadonlyMap<string, Tenant>;
  /** The fleet's backup store; undefined when backups are off. */
  public readonly backupStore?: BackupStore;
  /** The rollout waves, `<tenant>/<instance>` each, in order. */
  public readonly waves: readonly (readonly string[])[];

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:fleet:Fleet", name, {}, opts);
    this.kubernetes = new k8s.Provider(`${name}-k8s`, kubernetesProviderArgs(args.model), { parent: this });
    // The AWS provider for the backup store and roles; region and default tags from config, never the ambient environment.
    const awsArgs = awsProviderArgs(args.model);
    this.aws = awsArgs !== undefined ? new aws.Provider(`${name}-aws`, awsArgs, { parent: this }) : undefined;
    const providers = { kubernetes: this.kubernetes, ...(this.aws !== undefined ? { aws: this.aws } : {}) };
    const backupStore = args.model.backup.enabled
      ? new BackupStore(`${name}-backup-store`, { model: args.model }, { parent: this, providers })
      : undefined;
    this.backupStore = backupStore;
    this.waves = fleetRolloutWaves(args.model);
    const rollout = new RolloutOrder(this.waves);
    const tenants = new Map<string, Tenant>();
    for (const tenant of args.model.tenants) {
      const storeFor = backupStore !== undefined ? (instance: string) => backupStore.refFor(tenant.name, instance) : undefined;
      tenants.set(
        tenant.name,
        new Tenant(tenant.name, { model: tenant, fleet: args.model, storeFor, rollout, hooks: args.hooks }, { parent: this, providers }),
      );
    }
    rollout.seal();
    this.tenants = tenants;
    this.registerOutputs({});
  }

  outputs(): Record<string, TenantOutputs> {
    const out: Record<string, TenantOutputs> = {};
    for (const [name, tenant] of this.tenants) out[name] = tenant.outputs();
    return out;
  }
}
