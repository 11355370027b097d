/**
 * Kubernetes names derived from a tenant and an instance. They are a pure
 * function of the two config keys, so they never change between runs and a
 * tenant cannot influence another tenant's names.
 */
export interface InstanceNames {
  readonly statefulSet: string;
  readonly service: string;
  readonly serviceAccount: string;
  readonly role: string;
  readonly configMap: string;
  readonly gatewaySecret: string;
  readonly dataClaim: string;
  readonly networkPolicy: string;
  readonly backupServiceAccount: string;
  readonly backupCronJob: string;
  readonly backupNetworkPolicy: string;
  readonly backupSecret: string;
}

export function defaultNamespace(tenant: string): string {
  return `openclaw-${tenant}`;
}

export function instanceNames(instance: string): InstanceNames {
  return {
    statefulSet: instance,
    service: instance,
    serviceAccount: instance,
    role: instance,
    configMap: `${instance}-config`,
    gatewaySecret: `${instance}-gateway-token`,
    dataClaim: `${instance}-data`,
    networkPolicy: instance,
    backupServiceAccount: `${instance}-backup`,
    backupCronJob: `${instance}-backup`,
    backupNetworkPolicy: `${instance}-backup`,
    backupSecret: `${instance}-backup`,
  };
}

/**
 * Pulumi logical names. `/` cannot occur in a tenant or instance key (both are
 * DNS labels), so `acme/bot` can never collide with another pair.
 */
export function instanceLogicalName(tenant: string, instance: string): string {
  return `${tenant}/${instance}`;
}

/** Objects of the tenant namespace itself (quota, limit range, the shared backup engine, hooks) are named `openclaw-…`. */
export const NAMESPACE_OBJECT_PREFIX = "openclaw-";
