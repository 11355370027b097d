import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BackupStore } from "./backup/store";
import type { FleetModel } from "./config/model";
import { Tenant, type TenantOutputs } from "./tenant";

export interface FleetArgs {
  /** The validated stack config. */
  readonly model: FleetModel;
}

/** The Kubernetes provider for the stack: a cluster, or a directory of YAML for `pulumi up` without one. */
export function kubernetesProviderArgs(model: FleetModel): k8s.ProviderArgs {
  const kube = model.cluster.kubernetes;
  if (kube.renderYamlToDirectory !== undefined) return { renderYamlToDirectory: kube.renderYamlToDirectory };
  return {
    ...(kube.kubeconfig !== undefined ? { kubeconfig: kube.kubeconfig } : {}),
    ...(kube.context !== undefined ? { context: kube.context } : {}),
    // Fail instead of silently applying to whatever cluster the ambient kubeconfig points at.
    deleteUnreachable: false,
  };
}

/** The whole fleet: providers and one Tenant per configured tenant. */
export class Fleet extends pulumi.ComponentResource {
  public readonly kubernetes: k8s.Provider;
  public readonly tenants: ReadonlyMap<string, Tenant>;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:fleet:Fleet", name, {}, opts);
    this.kubernetes = new k8s.Provider(`${name}-k8s`, kubernetesProviderArgs(args.model), { parent: this });
    const store = args.model.backup.enabled ? new BackupStore(`${name}-backup-store`, { model: args.model }, { parent: this }).ref : undefined;
    const tenants = new Map<string, Tenant>();
    for (const tenant of args.model.tenants) {
      tenants.set(
        tenant.name,
        new Tenant(tenant.name, { model: tenant, fleet: args.model, store }, { parent: this, providers: { kubernetes: this.kubernetes } }),
      );
    }
    this.tenants = tenants;
    this.registerOutputs({});
  }

  outputs(): Record<string, TenantOutputs> {
    const out: Record<string, TenantOutputs> = {};
    for (const [name, tenant] of this.tenants) out[name] = tenant.outputs();
    return out;
  }
}
