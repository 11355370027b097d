import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/** The label and annotation the Grafana dashboard sidecar (kiwigrid k8s-sidecar, kube-prometheus-stack) watches. */
export const DASHBOARD_LABEL = "grafana_dashboard";
export const FOLDER_ANNOTATION = "grafana_folder";

function panel(id: number, title: string, expr: string, unit: string, y: number) {
  return {
    id,
    title,
    type: "timeseries",
    datasource: { type: "prometheus", uid: "${datasource}" },
    gridPos: { h: 8, w: 12, x: (id % 2) * 12, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ expr, refId: "A", legendFormat: "{{container}}" }],
  };
}

/** Grafana's uid (at most 40 characters); the config validation refuses two instances with one uid. */
export function dashboardUid(instance: InstanceModel): string {
  return `openclaw-${instance.tenant}-${instance.name}`.slice(0, 40);
}

/** The file the dashboard sidecar writes; one folder holds every instance's. */
export function dashboardFileName(instance: InstanceModel): string {
  return `openclaw-${instance.tenant}-${instance.name}.json`;
}

/** One dashboard per instance: CPU, memory, restarts and volume usage, from cAdvisor, kubelet and kube-state-metrics. */
export function dashboardJson(instance: InstanceModel): string {
  const sel = `namespace="${instance.namespace}",pod="${instance.names.statefulSet}-0"`;
  const pvc = `namespace="${instance.namespace}",persistentvolumeclaim=~"${instance.name}-(data|workspace)"`;
  const dashboard = {
    uid: dashboardUid(instance),
    title: `OpenClaw ${instance.tenant}/${instance.name}`,
    tags: ["openclaw", instance.tenant],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    // Grafana's dashboard model requires the list; Grafana adds its built-in annotation itself.
    annotations: { list: [] },
    templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus" }] },
    panels: [
      panel(0, "CPU", `sum by (container) (rate(container_cpu_usage_seconds_total{${sel},container!=""}[5m]))`, "cores", 0),
      panel(1, "Memory", `sum by (container) (container_memory_working_set_bytes{${sel},container!=""})`, "bytes", 0),
      panel(2, "Restarts", `sum by (container) (kube_pod_container_status_restarts_total{${sel}})`, "short", 8),
      panel(3, "Volume used", `kubelet_volume_stats_used_bytes{${pvc}} / kubelet_volume_stats_capacity_bytes{${pvc}}`, "percentunit", 8),
    ],
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** A dashboard ConfigMap for Grafana's sidecar; undefined unless enabled. */
export function buildGrafanaDashboard(instance: InstanceModel): k8s.types.input.core.v1.ConfigMap | undefined {
  const g = instance.spec.observability.grafanaDashboard;
  if (!g.enabled) return undefined;
  const metadata = instanceMetadata(instance, featureNames(instance).dashboard);
  metadata.labels = { ...g.labels, [DASHBOARD_LABEL]: "1", ...(metadata.labels as Record<string, string>) };
  metadata.annotations = { [FOLDER_ANNOTATION]: g.folder };
  return { apiVersion: "v1", kind: "ConfigMap", metadata, data: { [dashboardFileName(instance)]: dashboardJson(instance) } };
}
