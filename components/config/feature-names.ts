import type { InstanceModel } from "./model";

/**
 * Names of the objects the instance's optional features add, derived from
 * the instance name only (like config/names.ts), so they never change
 * between runs.
 */
export interface FeatureNames {
  readonly workspaceClaim: string;
  /** The headless Service the StatefulSet's pods get their DNS names from. */
  readonly headlessService: string;
  /** The ClusterIP Service of the metrics port, apart from the client Service (which may be a LoadBalancer). */
  readonly metricsService: string;
  readonly workspaceConfigMap: string;
  readonly envSecret: string;
  readonly ingress: string;
  readonly basicAuthSecret: string;
  readonly podDisruptionBudget: string;
  readonly autoscaler: string;
  readonly serviceMonitor: string;
  readonly prometheusRule: string;
  readonly dashboard: string;
  /** Traefik Middleware names, one per concern, in the order they apply. */
  readonly middleware: { readonly redirect: string; readonly headers: string; readonly rateLimit: string; readonly basicAuth: string };
}

export function featureNames(instance: InstanceModel): FeatureNames {
  const n = instance.name;
  return {
    workspaceClaim: `${n}-workspace`,
    headlessService: `${n}-headless`,
    metricsService: `${n}-metrics`,
    workspaceConfigMap: `${n}-workspace-seed`,
    envSecret: `${n}-env`,
    ingress: n,
    basicAuthSecret: `${n}-basic-auth`,
    podDisruptionBudget: n,
    autoscaler: n,
    serviceMonitor: n,
    prometheusRule: n,
    dashboard: `${n}-dashboard`,
    middleware: { redirect: `${n}-https-redirect`, headers: `${n}-headers`, rateLimit: `${n}-rate-limit`, basicAuth: `${n}-basic-auth` },
  };
}

/** One Secret per instance, so that an instance's pods can read no other instance's passphrase by name. */
export function passphraseSecretName(instance: InstanceModel): string {
  return `${instance.names.backupSecret}-passphrase`;
}
