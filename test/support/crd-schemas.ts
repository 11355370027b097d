/**
 * Schema validators for the CRD kinds the program can create (prometheus-operator
 * and Traefik), registered with assertValidObject. Import this module from any
 * test that validates such objects.
 */
import { registerValidator, type KubernetesObject } from "./k8s-schema";

type Validatable = { validate(): void };
type ModelConstructor = new (data: unknown) => Validatable;

function validatorFor(modulePath: string, kind: string): (object: KubernetesObject) => string[] {
  const Model = (require(modulePath) as Record<string, ModelConstructor>)[kind];
  if (Model === undefined) throw new Error(`${modulePath} exports no ${kind}`);
  return (object) => {
    try {
      new Model(object).validate();
      return [];
    } catch (err) {
      return (err instanceof Error ? err.message : String(err)).split(", ");
    }
  };
}

registerValidator(
  "monitoring.coreos.com/v1",
  "ServiceMonitor",
  validatorFor("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", "ServiceMonitor"),
);
registerValidator(
  "monitoring.coreos.com/v1",
  "PrometheusRule",
  validatorFor("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule", "PrometheusRule"),
);
registerValidator(
  "traefik.io/v1alpha1",
  "Middleware",
  validatorFor("@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware", "Middleware"),
);
