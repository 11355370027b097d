import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { BACKUP_COMPONENT, K8S, LABELS } from "../lib/conventions";
import { describeObject, instanceKey, labelsOf, namespaceOf, podTemplateOf } from "../lib/kubernetes";
import { asList, at, globMatch } from "../lib/values";

export interface BackupScheduleConfig {
  /** `<tenant>/<instance>` patterns (`*` wildcards) whose data is deliberately not backed up. */
  readonly exempt?: readonly string[];
}

const STATEFUL_WORKLOADS: readonly string[] = [K8S.statefulSet, K8S.deployment];

/** True when the workload's pods keep data on a PersistentVolumeClaim. */
export function hasPersistence(resource: PolicyResource): boolean {
  const template = podTemplateOf(resource.type, resource.props);
  if (template === undefined) return false;
  if (asList(at(resource.props, "spec", "volumeClaimTemplates")).length > 0) return true;
  return asList(template.spec.volumes).some((volume) => at(volume, "persistentVolumeClaim") !== undefined);
}

function instanceOf(resource: PolicyResource): string | undefined {
  return instanceKey(podTemplateOf(resource.type, resource.props)?.labels ?? {}) ?? instanceKey(labelsOf(resource.props));
}

function isBackupScheduleFor(cronJob: PolicyResource, namespace: string, instance: string): boolean {
  const labels = labelsOf(cronJob.props);
  return namespaceOf(cronJob.props) === namespace && labels[LABELS.component] === BACKUP_COMPONENT && instanceKey(labels) === instance;
}

export const backupScheduled: StackValidationPolicy = {
  name: "backup-scheduled",
  description:
    "Every instance that keeps data on a PersistentVolumeClaim has a backup CronJob in its namespace, labelled with its tenant and instance and app.kubernetes.io/component=backup, and that CronJob is not suspended while the instance runs.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: { properties: { exempt: { type: "array", items: { type: "string" }, default: [] } } },
  remediationSteps:
    "Turn backups on for the stack (backup.enabled with a store) and for the instance (backup.enabled), or list the instance in this policy's `exempt` config if losing its data is acceptable.",
  validateStack: (args, reportViolation) => {
    const exempt = args.getConfig<BackupScheduleConfig>().exempt ?? [];
    const cronJobs = args.resources.filter((r) => r.type === K8S.cronJob);
    for (const workload of args.resources.filter((r) => STATEFUL_WORKLOADS.includes(r.type) && hasPersistence(r))) {
      const instance = instanceOf(workload);
      if (instance === undefined || exempt.some((pattern) => globMatch(pattern, instance))) continue;
      const namespace = namespaceOf(workload.props);
      const schedules = cronJobs.filter((c) => isBackupScheduleFor(c, namespace, instance));
      const replicas = at(workload.props, "spec", "replicas") ?? 1;
      if (schedules.length === 0) {
        reportViolation(
          `${describeObject(workload.props)} (instance ${instance}) keeps data on a volume but has no backup CronJob labelled ${LABELS.component}=${BACKUP_COMPONENT} for it in namespace ${namespace}`,
          workload.urn,
        );
      } else if (replicas !== 0 && schedules.every((c) => at(c.props, "spec", "suspend") === true)) {
        reportViolation(
          `${describeObject(workload.props)} (instance ${instance}) is running but its backup CronJob is suspended`,
          workload.urn,
        );
      }
    }
  },
};
