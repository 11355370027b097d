import { passphraseSecretName } from "./feature-names";
import type { InstanceModel } from "./model";
import { featureNames } from "./feature-names";

/** One object the program makes in an instance's namespace. */
export interface OwnedObject {
  readonly kind: string;
  readonly name: string;
  /** Part of the instance's backup (store credentials, passphrase, engine, identity): never for the app to read. */
  readonly backup: boolean;
}

/**
 * Every namespaced object the program can make for an instance, whether or not the feature
 * that makes it is on today: names must not collide when a feature is turned on later, and
 * a reference (`configMapRef`, `existingSecret`, …) must not name one of them. The restore
 * Job is left out: its name carries a hash of the restore, so it cannot collide.
 * test/config/owned-objects.test.ts keeps this list equal to what the program renders.
 */
export function ownedObjects(instance: InstanceModel): OwnedObject[] {
  const n = instance.names;
  const f = featureNames(instance);
  const app = (kind: string, name: string): OwnedObject => ({ kind, name, backup: false });
  const backup = (kind: string, name: string): OwnedObject => ({ kind, name, backup: true });
  return [
    app("StatefulSet", n.statefulSet),
    app("Service", n.service),
    app("Service", f.headlessService),
    app("Service", f.metricsService),
    app("ServiceAccount", n.serviceAccount),
    app("Role", n.role),
    app("RoleBinding", n.role),
    app("ConfigMap", n.configMap),
    app("Secret", n.gatewaySecret),
    app("PersistentVolumeClaim", n.dataClaim),
    app("NetworkPolicy", n.networkPolicy),
    app("PersistentVolumeClaim", f.workspaceClaim),
    app("ConfigMap", f.workspaceConfigMap),
    app("Secret", f.envSecret),
    app("Ingress", f.ingress),
    app("Secret", f.basicAuthSecret),
    app("PodDisruptionBudget", f.podDisruptionBudget),
    app("HorizontalPodAutoscaler", f.autoscaler),
    app("ServiceMonitor", f.serviceMonitor),
    app("PrometheusRule", f.prometheusRule),
    app("ConfigMap", f.dashboard),
    ...Object.values(f.middleware).map((name) => app("Middleware", name)),
    backup("ServiceAccount", n.backupServiceAccount),
    backup("CronJob", n.backupCronJob),
    backup("NetworkPolicy", n.backupNetworkPolicy),
    backup("Secret", n.backupSecret),
    backup("Secret", passphraseSecretName(instance)),
  ];
}
