// How the lifecycle work is wired into the program: the annotations the hooks read back on
// deletion, that hooks are never registered where they cannot run (mocks, offline render), the
// config it adds, and the fleet's PrometheusRule (schema and expression structure).
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { program } from "../../components/program/program";
import { runWithMocks, unwrap } from "../../scripts/lib/mock-runtime";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import {
  ALERT_NAMES,
  ALERT_RULE_NAME,
  BACKUP_CRONJOB_NAME,
  BACKUP_JOB_NAME,
  RESTORE_JOB_NAME,
  alertExpressions,
  type PrometheusRuleObject,
} from "../../components/builders/backup/alert-rules";
import { hooksApply } from "../../components/lifecycle-hooks/register";
import { PATCH_FORCE_ANNOTATION, PRE_DELETE_ANNOTATION } from "../../components/lifecycle-hooks/annotations";
import { oneShotJobName } from "../../components/lifecycle-hooks/jobs";
import { loadFleetConfig } from "../../components/validation/load";
import { ConfigError } from "../../components/config/problems";
import { assertValidObject, registerValidator, type KubernetesObject } from "../support/k8s-schema";
import { findObject, kubernetesObjects, minimalStack, runProgram } from "../support/stacks";
import { backupStack } from "../backup-k8s/fixtures";

const RULE_KEYS = new Set(["alert", "expr", "for", "labels", "annotations"]);

before(() => {
  // The CRD's schema, plus the rule keys Prometheus knows (its schema lets unknown keys through).
  registerValidator("monitoring.coreos.com/v1", "PrometheusRule", (object: KubernetesObject) => {
    const problems: string[] = [];
    try {
      new PrometheusRule(object as never).validate();
    } catch (error) {
      problems.push((error as Error).message);
    }
    const groups = (object.spec as PrometheusRuleObject["spec"] | undefined)?.groups ?? [];
    for (const group of groups)
      for (const rule of group.rules)
        for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) problems.push(`rule ${rule.alert}: unknown key ${key}`);
    return problems;
  });
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("lifecycle wiring", () => {
  it("records each instance's pre-delete policy on its StatefulSet, and lets Pulumi take spec.replicas back", async () => {
    const registrations = await runProgram(backupStack({ onBackupFailure: "proceed" }));
    const bot = findObject(registrations, "StatefulSet", "bot", "openclaw-acme");
    const ops = findObject(registrations, "StatefulSet", "ops", "openclaw-globex");
    const annotations = (m: typeof bot) => (m.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    assert.equal(annotations(bot)[PRE_DELETE_ANNOTATION], "best-effort");
    assert.equal(annotations(ops)[PRE_DELETE_ANNOTATION], "required");
    assert.equal(annotations(bot)[PATCH_FORCE_ANNOTATION], "true");
    assertValidObject(bot);

    const skipped = await runProgram(backupStack({ skipBackupOnDelete: true }));
    assert.equal(annotations(findObject(skipped, "StatefulSet", "bot"))[PRE_DELETE_ANNOTATION], "skip");
  });

  it("exports the pre-update snapshots (read back from the StatefulSets) and each tenant's bucket", async () => {
    const { outputs } = await runWithMocks(backupStack(), program);
    assert.deepEqual(await unwrap(outputs.preUpdateSnapshots), {}, "no upgrade has run under mocks");
    assert.deepEqual(await unwrap(pulumi.output(outputs.backupBuckets)), { acme: "openclaw-backups", globex: "openclaw-backups" });
  });

  it("adds nothing to instances without backups", async () => {
    const sts = findObject(await runProgram(minimalStack()), "StatefulSet", "bot");
    const annotations = (sts.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    assert.equal(annotations[PRE_DELETE_ANNOTATION], undefined);
    assert.equal(annotations[PATCH_FORCE_ANNOTATION], undefined);
  });

  it("binds no hooks where they cannot run: under Pulumi's mocks and for an offline render", async () => {
    for (const registration of await runProgram(backupStack()))
      assert.equal(registration.hooks, undefined, `${registration.type} ${registration.name}`);
    const rendering = loadFleetConfig(backupStack());
    assert.equal(rendering.cluster.kubernetes.renderYamlToDirectory, "out");
    assert.equal(hooksApply(rendering), false);
  });

  it("validates backup.deleteTimeout (5m..24h), onBackupFailure and skipBackupOnDelete, naming the full path", () => {
    const withBackup = (extra: Record<string, unknown>, instance: Record<string, unknown> = {}) => {
      const raw = backupStack(instance);
      const values = { ...raw.values, backup: { ...(raw.values.backup as object), ...extra } };
      return () => loadFleetConfig({ ...raw, values });
    };
    assert.deepEqual(problemsOf(withBackup({ deleteTimeout: "1h30m" })), []);
    assert.equal(loadFleetConfig(backupStack()).backup.deleteTimeout, "30m");
    assert.match(problemsOf(withBackup({ deleteTimeout: "4m" })).join("\n"), /backup\.deleteTimeout.*outside the allowed range 5m\.\.24h/);
    assert.match(problemsOf(withBackup({ deleteTimeout: "25h" })).join("\n"), /backup\.deleteTimeout.*outside the allowed range/);
    assert.match(problemsOf(withBackup({ deleteTimeout: "half an hour" })).join("\n"), /backup\.deleteTimeout.*is not a duration/);
    assert.match(
      problemsOf(withBackup({}, { onBackupFailure: "ignore" })).join("\n"),
      /tenants\.acme\.instances\.bot\.backup\.onBackupFailure/,
    );
    assert.match(
      problemsOf(withBackup({}, { skipBackupOnDelete: "yes" })).join("\n"),
      /tenants\.acme\.instances\.bot\.backup\.skipBackupOnDelete/,
    );
  });
});

describe("backup alerts", () => {
  const monitored = (monitoring: Record<string, unknown> = { enabled: true }) => {
    const raw = backupStack();
    return { ...raw, values: { ...raw.values, backup: { ...(raw.values.backup as object), monitoring } } };
  };

  it("are one valid PrometheusRule for the fleet when monitoring is on, and none when it is off", async () => {
    const registrations = await runProgram(monitored({ enabled: true, labels: { release: "kube-prometheus-stack" } }));
    const rule = findObject(registrations, "PrometheusRule", ALERT_RULE_NAME, "monitoring") as unknown as PrometheusRuleObject;
    assertValidObject(rule as never);
    assert.equal(rule.metadata.labels.release, "kube-prometheus-stack");
    assert.deepEqual(
      rule.spec.groups[0]?.rules.map((r) => r.alert),
      [...ALERT_NAMES],
    );
    for (const r of rule.spec.groups[0]?.rules ?? []) {
      assert.match(r.annotations.runbook_url ?? "", new RegExp(`/docs/alerts\\.md#${r.alert.toLowerCase()}$`));
      assert.ok(["warning", "critical"].includes(r.labels.severity ?? ""));
    }
    assert.equal(
      kubernetesObjects(await runProgram(backupStack())).filter((o) => o.kind === "PrometheusRule" && o.metadata.name === ALERT_RULE_NAME)
        .length,
      0,
    );
  });

  describe("expressions", () => {
    const exprs = alertExpressions("openclaw-acme|openclaw-globex");
    const KSM = new Set([
      "kube_job_failed",
      "kube_job_status_start_time",
      "kube_job_owner",
      "kube_cronjob_status_last_successful_time",
      "kube_cronjob_status_last_schedule_time",
      "kube_cronjob_next_schedule_time",
      "kube_cronjob_spec_suspend",
      "kube_cronjob_created",
    ]);

    for (const alert of ALERT_NAMES) {
      it(`${alert}: balanced, only documented kube-state-metrics series, every selector scoped to the fleet's namespaces`, () => {
        const expr = exprs[alert];
        let depth = 0;
        for (const ch of expr) {
          depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
          assert.ok(depth >= 0, "closes a parenthesis it never opened");
        }
        assert.equal(depth, 0, "unbalanced parentheses");
        const series = [...expr.matchAll(/\b(kube_[a-z_]+)\{([^}]*)\}/g)];
        assert.ok(series.length > 0);
        for (const [, name, selector] of series) {
          assert.ok(name !== undefined && KSM.has(name), `${name} is not one of the documented series`);
          assert.match(selector ?? "", /namespace=~"openclaw-acme\|openclaw-globex"/, `${name} is not scoped to the fleet`);
        }
        assert.equal([...expr.matchAll(/\bkube_[a-z_]+\b(?!\{)/g)].length, 0, "a series without a selector");
        assert.match(expr, /label_replace\(.*"openclaw_instance"/s, "alerts name the instance");
      });
    }

    it("BackupStale fires at twice each CronJob's own interval, for never-successful ones too, and not while suspended", () => {
      const e = exprs.BackupStale;
      assert.match(
        e,
        /time\(\) - max by \(namespace, cronjob\) \(kube_cronjob_status_last_successful_time\{[^}]*\}\) > 2 \* max by \(namespace, cronjob\) \(kube_cronjob_next_schedule_time\{[^}]*\} - kube_cronjob_status_last_schedule_time\{[^}]*\}\)/,
      );
      assert.match(e, /unless on \(namespace, cronjob\) kube_cronjob_status_last_successful_time/);
      assert.match(e, /kube_cronjob_spec_suspend\{[^}]*\}\) == 0/);
    });

    it("BackupJobFailed ignores failures a later scheduled success superseded; RestoreFailed looks at restore Jobs only", () => {
      assert.match(exprs.BackupJobFailed, /kube_job_failed\{condition="true", namespace=~"[^"]+", job_name=~"[^"]+"\}/);
      assert.match(exprs.BackupJobFailed, /unless on \(namespace, job_name\)/);
      assert.match(
        exprs.BackupJobFailed,
        /< on \(namespace, cronjob\) group_left \(\) max by \(namespace, cronjob\) \(kube_cronjob_status_last_successful_time/,
      );
      assert.match(exprs.RestoreFailed, new RegExp(`job_name=~"${RESTORE_JOB_NAME.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
    });

    it("name patterns match exactly the Jobs and CronJobs the fleet creates", () => {
      const full = (pattern: string) => new RegExp(`^${pattern}$`);
      const backupJob = full(BACKUP_JOB_NAME);
      assert.ok(backupJob.test("bot-backup-29443200"), "a Job the CronJob controller made");
      for (const kind of ["pre-delete", "pre-update", "manual"] as const)
        assert.ok(backupJob.test(oneShotJobName("bot", kind, Date.UTC(2026, 10, 22))), kind);
      assert.ok(!backupJob.test("bot-restore-0123456789"));
      assert.ok(!backupJob.test("bot-0"), "the app's pod");
      assert.ok(full(RESTORE_JOB_NAME).test("bot-restore-0123456789"));
      assert.ok(!full(RESTORE_JOB_NAME).test("bot-backup-29443200"));
      assert.ok(full(BACKUP_CRONJOB_NAME).test("bot-backup"));
      assert.equal("my-bot-pre-update-t4x2ab".replace(backupJob, "$1"), "my-bot", "the instance is what precedes the suffix");
    });
  });
});
