import { selectorLabels } from "../../config/labels";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/** A prometheus-operator object (monitoring.coreos.com/v1); its CRDs must be installed, so these are opt-in. */
export interface MonitoringObject {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "ServiceMonitor" | "PrometheusRule";
  metadata: ReturnType<typeof instanceMetadata>;
  spec: Record<string, unknown>;
}

function withLabels(instance: InstanceModel, name: string, extra: Record<string, string>): ReturnType<typeof instanceMetadata> {
  const metadata = instanceMetadata(instance, name);
  metadata.labels = { ...extra, ...(metadata.labels as Record<string, string>) };
  return metadata;
}

/** Scrapes the metrics collector through the instance's metrics Service (component `metrics`); undefined unless enabled. */
export function buildServiceMonitor(instance: InstanceModel): MonitoringObject | undefined {
  const metrics = instance.spec.observability.metrics;
  if (!metrics.enabled || !metrics.serviceMonitor.enabled) return undefined;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: withLabels(instance, featureNames(instance).serviceMonitor, metrics.serviceMonitor.labels),
    spec: {
      selector: { matchLabels: { ...selectorLabels(instance.tenant, instance.name), "app.kubernetes.io/component": "metrics" } },
      namespaceSelector: { matchNames: [instance.namespace] },
      endpoints: [{ port: "metrics", interval: metrics.serviceMonitor.interval, path: "/metrics" }],
    },
  };
}

/**
 * Alerts for one instance, from kube-state-metrics and kubelet metrics (and
 * the scrape target when metrics are on). Each links to a runbook under
 * `runbookBaseURL`. Undefined unless enabled.
 */
export function buildPrometheusRule(instance: InstanceModel): MonitoringObject | undefined {
  const o = instance.spec.observability;
  if (!o.prometheusRule.enabled) return undefined;
  const ns = instance.namespace;
  const pod = `${instance.names.statefulSet}-0`;
  const base = o.prometheusRule.runbookBaseURL.replace(/\/+$/, "");
  const labels = { tenant: instance.tenant, instance: instance.name };
  const alert = (name: string, expr: string, forDuration: string, severity: string, summary: string) => ({
    alert: name,
    expr,
    for: forDuration,
    labels: { severity, ...labels },
    annotations: { summary, runbook_url: `${base}/${name.toLowerCase()}` },
  });
  const rules = [
    alert(
      "OpenClawInstanceNotReady",
      `kube_statefulset_status_replicas_ready{namespace="${ns}",statefulset="${instance.names.statefulSet}"} < kube_statefulset_replicas{namespace="${ns}",statefulset="${instance.names.statefulSet}"}`,
      "10m",
      "critical",
      `OpenClaw instance ${instance.tenant}/${instance.name} has not been ready for 10 minutes`,
    ),
    alert(
      "OpenClawInstanceRestarting",
      `increase(kube_pod_container_status_restarts_total{namespace="${ns}",pod="${pod}"}[15m]) > 3`,
      "0m",
      "warning",
      `OpenClaw instance ${instance.tenant}/${instance.name} restarted more than 3 times in 15 minutes`,
    ),
    alert(
      "OpenClawVolumeFillingUp",
      `kubelet_volume_stats_available_bytes{namespace="${ns}",persistentvolumeclaim=~"${instance.name}-(data|workspace)"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}",persistentvolumeclaim=~"${instance.name}-(data|workspace)"} < 0.10`,
      "15m",
      "warning",
      `A volume of OpenClaw instance ${instance.tenant}/${instance.name} has less than 10% free space`,
    ),
  ];
  if (o.metrics.enabled) {
    rules.push(
      alert(
        "OpenClawMetricsDown",
        `up{namespace="${ns}",service="${instance.names.service}"} == 0`,
        "10m",
        "warning",
        `Metrics of OpenClaw instance ${instance.tenant}/${instance.name} cannot be scraped`,
      ),
    );
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: withLabels(instance, featureNames(instance).prometheusRule, o.prometheusRule.labels),
    spec: { groups: [{ name: `openclaw.${instance.tenant}.${instance.name}`, rules }] },
  };
}
