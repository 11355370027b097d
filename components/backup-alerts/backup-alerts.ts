import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FleetModel } from "../config/model";
import { buildBackupAlertRule } from "../builders/backup/alert-rules";

export interface BackupAlertsArgs {
  /** The validated stack config; `backup.monitoring` decides whether there is anything to create. */
  readonly model: Pick<FleetModel, "backup" | "tenants">;
}

/**
 * The fleet's backup alerts (one PrometheusRule for every tenant), when
 * `backup.monitoring.enabled`. Needs the Prometheus Operator's CRDs and
 * kube-state-metrics; see docs/alerts.md.
 */
export class BackupAlerts extends pulumi.ComponentResource {
  public readonly rule?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: BackupAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:BackupAlerts", name, {}, opts);
    const rule = buildBackupAlertRule(args.model);
    if (rule !== undefined) this.rule = new k8s.apiextensions.CustomResource(`${name}-rule`, rule, { parent: this });
    this.registerOutputs({});
  }
}
