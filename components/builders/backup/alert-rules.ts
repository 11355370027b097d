/**
 * The fleet's backup alerts as one PrometheusRule, from kube-state-metrics
 * series only (docs/alerts.md lists them and the versions that have them):
 *
 *   BackupJobFailed  a backup Job (scheduled or one-shot) failed, and no
 *                    later scheduled run of that instance succeeded
 *   BackupStale      no successful scheduled run in twice the schedule's
 *                    interval (read from the CronJob's own last and next
 *                    schedule times, so every instance gets its own bound)
 *   RestoreFailed    a restore Job failed
 *
 * Scoped to the fleet's tenant namespaces and to the Job and CronJob names
 * the fleet derives, so nothing else in the cluster can trigger them. Pure.
 */
import { PART_OF } from "../../config/labels";
import type { FleetModel } from "../../config/model";

export const ALERT_NAMES = ["BackupJobFailed", "BackupStale", "RestoreFailed"] as const;
export type BackupAlertName = (typeof ALERT_NAMES)[number];

/** Names of backup Jobs: `<instance>-backup-<minutes>` from the CronJob, `<instance>-<kind>-<base36>` one-shot (hooks/jobs.ts). */
export const BACKUP_JOB_NAME = "(.+)-(backup-[0-9]+|(pre-delete|pre-update|manual)-[0-9a-z]+)";
/** Names of restore Jobs: `<instance>-restore-<hash>` (restore-job.ts). */
export const RESTORE_JOB_NAME = "(.+)-restore-[0-9a-f]{10}";
/** Names of backup CronJobs: `<instance>-backup` (config/names.ts). */
export const BACKUP_CRONJOB_NAME = "(.+)-backup";

export interface PrometheusRuleObject {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "PrometheusRule";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}

export interface AlertRule {
  alert: BackupAlertName;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The PrometheusRule's name. */
export const ALERT_RULE_NAME = "openclaw-fleet-backups";

function namespaceMatcher(fleet: Pick<FleetModel, "backup" | "tenants">): string {
  // Namespaces are DNS labels: no regex metacharacters to escape.
  return fleet.tenants.map((t) => t.namespace).join("|");
}

/** The three expressions, for a namespace regex. Exported for the structure tests. */
export function alertExpressions(namespaces: string): Record<BackupAlertName, string> {
  const ns = `namespace=~"${namespaces}"`;
  const backupJobs = `${ns}, job_name=~"${BACKUP_JOB_NAME}"`;
  const cronJobs = `${ns}, cronjob=~"${BACKUP_CRONJOB_NAME}"`;
  const byCron = "by (namespace, cronjob)";
  const interval = `max ${byCron} (kube_cronjob_next_schedule_time{${cronJobs}} - kube_cronjob_status_last_schedule_time{${cronJobs}})`;
  const active = `max ${byCron} (kube_cronjob_spec_suspend{${cronJobs}}) == 0`;
  const instanceOfJob = (expr: string, pattern: string) => `label_replace(${expr}, "openclaw_instance", "$1", "job_name", "${pattern}")`;
  const instanceOfCron = (expr: string) => `label_replace(${expr}, "openclaw_instance", "$1", "cronjob", "${BACKUP_CRONJOB_NAME}")`;

  const failedBackup = `max by (namespace, job_name) (kube_job_failed{condition="true", ${backupJobs}}) == 1`;
  const recent = `time() - max by (namespace, job_name) (kube_job_status_start_time{${backupJobs}}) < 86400`;
  // Scheduled Jobs that started before their CronJob's last success: superseded, not alerting.
  const superseded =
    `max by (namespace, job_name, cronjob) (kube_job_status_start_time{${ns}} * on (namespace, job_name) group_left (cronjob) ` +
    `label_replace(kube_job_owner{${ns}, owner_kind="CronJob"}, "cronjob", "$1", "owner_name", "(.+)")) ` +
    `< on (namespace, cronjob) group_left () max ${byCron} (kube_cronjob_status_last_successful_time{${ns}})`;

  const lastSuccessAge = `time() - max ${byCron} (kube_cronjob_status_last_successful_time{${cronJobs}})`;
  const neverSucceeded = `(time() - max ${byCron} (kube_cronjob_created{${cronJobs}}) > 2 * ${interval}) unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${cronJobs}}`;

  return {
    BackupJobFailed: instanceOfJob(
      `((${failedBackup}) and on (namespace, job_name) (${recent})) unless on (namespace, job_name) (${superseded})`,
      BACKUP_JOB_NAME,
    ),
    BackupStale: instanceOfCron(`((${lastSuccessAge} > 2 * ${interval}) or (${neverSucceeded})) and on (namespace, cronjob) (${active})`),
    RestoreFailed: instanceOfJob(
      `max by (namespace, job_name) (kube_job_failed{condition="true", ${ns}, job_name=~"${RESTORE_JOB_NAME}"}) == 1`,
      RESTORE_JOB_NAME,
    ),
  };
}

/** The fleet's PrometheusRule, or undefined when backup monitoring is off (or there is nothing to watch). */
export function buildBackupAlertRule(fleet: Pick<FleetModel, "backup" | "tenants">): PrometheusRuleObject | undefined {
  const monitoring = fleet.backup.monitoring;
  if (!monitoring.enabled || !fleet.backup.enabled || fleet.tenants.length === 0) return undefined;
  const exprs = alertExpressions(namespaceMatcher(fleet));
  const docs = (alert: BackupAlertName) => `${monitoring.docsBaseURL.replace(/\/+$/, "")}/alerts.md#${alert.toLowerCase()}`;
  const rule = (alert: BackupAlertName, severity: string, forDuration: string, summary: string, description: string): AlertRule => ({
    alert,
    expr: exprs[alert],
    for: forDuration,
    // Alert labels are Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*): no dots or slashes, unlike object labels.
    labels: { severity, part_of: PART_OF },
    annotations: { summary, description, runbook_url: docs(alert) },
  });
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: ALERT_RULE_NAME,
      namespace: monitoring.namespace,
      labels: {
        ...monitoring.labels,
        "app.kubernetes.io/name": "openclaw-backup",
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
      },
    },
    spec: {
      groups: [
        {
          name: "openclaw-fleet.backups",
          rules: [
            rule(
              "BackupJobFailed",
              "warning",
              "1m",
              "Backup of {{ $labels.namespace }}/{{ $labels.openclaw_instance }} failed",
              "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed and no later scheduled backup of this instance has succeeded. See its logs: kubectl -n {{ $labels.namespace }} logs job/{{ $labels.job_name }}",
            ),
            rule(
              "BackupStale",
              "critical",
              "15m",
              "No successful backup of {{ $labels.namespace }}/{{ $labels.openclaw_instance }} in twice its schedule interval",
              "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not completed a backup for more than twice its schedule interval. Check `npm run fleet -- backups status` and the CronJob's Jobs.",
            ),
            rule(
              "RestoreFailed",
              "critical",
              "1m",
              "Restore into {{ $labels.namespace }}/{{ $labels.openclaw_instance }} failed",
              "Restore Job {{ $labels.namespace }}/{{ $labels.job_name }} failed; the instance's data was left as it was (the engine verifies before it swaps). See docs/runbooks/restore.md.",
            ),
          ],
        },
      ],
    },
  };
}
