// Every PrometheusRule the program renders is checked by Prometheus' own `promtool check rules`,
// and the backup alerts are unit-tested with `promtool test rules` on synthetic kube-state-metrics
// series: each fires when it should (a failed Job, a stale or never-successful CronJob, a failed
// restore) and stays silent when it should not (a later success, a suspended CronJob, a Job
// outside the fleet). The rules under test are the rendered ones, written out as they are applied.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { AlertRule } from "../../components/builders/backup/alert-rules";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import type { RawStackConfig } from "../../components/config/load";
import { exampleStackConfig, exampleStacks, kubernetesObjects, minimalStack, runProgram } from "../support/stacks";

interface RuleObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}

function promtool(args: string[]): { code: number | null; out: string } {
  const result = spawnSync("promtool", args, { encoding: "utf8", timeout: 60_000 });
  if (result.error !== undefined)
    throw new Error(
      `promtool is not installed (Debian package prometheus): apt-get install -y --no-install-recommends prometheus (${result.error.message})`,
    );
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

async function renderedRules(raw: RawStackConfig): Promise<RuleObject[]> {
  return kubernetesObjects(await runProgram(raw)).filter((o) => o.kind === "PrometheusRule") as unknown as RuleObject[];
}

/** A fleet with backup monitoring and one instance with every option, its own alerts included. */
function monitoredStack(): RawStackConfig {
  const stack = minimalStack(
    {
      ...ALL_OPTIONS_INSTANCE,
      observability: {
        ...(ALL_OPTIONS_INSTANCE.observability as object),
        prometheusRule: { enabled: true },
        grafanaDashboard: { enabled: true },
      },
    },
    {
      backup: {
        store: {
          kind: "s3Compatible",
          endpoint: "http://minio.minio.svc:9000",
          bucket: "openclaw-backups",
          region: "us-east-1",
          provider: "Minio",
          credentials: { accessKeyId: { secretRef: "k" }, secretAccessKey: { secretRef: "s" } },
        },
        monitoring: { enabled: true },
      },
      secrets: { k: "key-id", s: "secret-key" },
    },
  );
  return stack;
}

describe("alert rules, as Prometheus' promtool sees them", function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    promtool(["--version"]);
    work = mkdtempSync(join(tmpdir(), "promtool-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("`promtool check rules` accepts every rendered PrometheusRule (example stacks, all options, backup monitoring)", async () => {
    const rules: { name: string; object: RuleObject }[] = [];
    for (const stack of exampleStacks())
      for (const object of await renderedRules(exampleStackConfig(stack)))
        rules.push({ name: `${stack}:${object.metadata.namespace}/${object.metadata.name}`, object });
    for (const object of await renderedRules(monitoredStack()))
      rules.push({ name: `monitored:${object.metadata.namespace}/${object.metadata.name}`, object });
    assert.ok(
      rules.some((r) => r.object.metadata.name === "openclaw-fleet-backups"),
      "the backup alerts are among them",
    );
    assert.ok(rules.filter((r) => r.name.startsWith("monitored:")).length >= 2, "and an instance's own alerts");
    for (const { name, object } of rules) {
      const file = join(work, `${name.replace(/[^a-z0-9]+/gi, "-")}.yaml`);
      writeFileSync(file, stringify({ groups: object.spec.groups }));
      const { code, out } = promtool(["check", "rules", file]);
      const count = object.spec.groups.reduce((n, g) => n + g.rules.length, 0);
      assert.equal(code, 0, `${name}:\n${out}`);
      assert.match(out, new RegExp(`SUCCESS: ${count} rules found`), `${name}:\n${out}`);
      process.stderr.write(`      promtool check rules ${name}: ${out.trim().split("\n").pop()?.trim()}\n`);
    }
  });

  it("`promtool test rules`: the backup alerts fire on failures and stay silent on a later success, a suspended CronJob and Jobs outside the fleet", async () => {
    const backup = (await renderedRules(monitoredStack())).find((r) => r.metadata.name === "openclaw-fleet-backups");
    assert.ok(backup);
    const ruleFile = join(work, "backup-rules.yaml");
    writeFileSync(ruleFile, stringify({ groups: backup.spec.groups }));
    const rules = new Map(backup.spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    const ns = "openclaw-acme";
    const series = (name: string, labels: Record<string, string>, values: string) => ({
      series: `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`,
      values,
    });
    /** The alert as promtool must report it: the rule's own labels, and its annotations expanded for these labels. */
    const expected = (alert: string, labels: Record<string, string>) => {
      const rule = rules.get(alert as AlertRule["alert"]);
      assert.ok(rule, alert);
      const all = { ...labels, ...rule.labels };
      const expand = (text: string) => text.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, key: string) => all[key] ?? "");
      return { exp_labels: all, exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v)])) };
    };
    const scheduledJob = (job: string, start: number, success: number) => [
      series("kube_job_failed", { namespace: ns, job_name: job, condition: "true" }, "1x30"),
      series("kube_job_status_start_time", { namespace: ns, job_name: job }, `${start}x30`),
      series(
        "kube_job_owner",
        { namespace: ns, job_name: job, owner_kind: "CronJob", owner_name: "bot-backup", owner_is_controller: "true" },
        "1x30",
      ),
      series("kube_cronjob_status_last_successful_time", { namespace: ns, cronjob: "bot-backup" }, `${success}x30`),
    ];
    // A CronJob due every hour (last schedule 3600, next 7200) whose last success was at `success` (none: never).
    const hourlyCronJob = (suspend: number, success?: number) => [
      series("kube_cronjob_status_last_schedule_time", { namespace: ns, cronjob: "bot-backup" }, "3600x200"),
      series("kube_cronjob_next_schedule_time", { namespace: ns, cronjob: "bot-backup" }, "7200x200"),
      series("kube_cronjob_spec_suspend", { namespace: ns, cronjob: "bot-backup" }, `${suspend}x200`),
      series("kube_cronjob_created", { namespace: ns, cronjob: "bot-backup" }, "0x200"),
      ...(success === undefined
        ? []
        : [series("kube_cronjob_status_last_successful_time", { namespace: ns, cronjob: "bot-backup" }, `${success}x200`)]),
    ];
    const tests = [
      {
        name: "a failed scheduled backup and a failed pre-update backup fire; a failed Job outside the fleet does not",
        interval: "1m",
        input_series: [
          ...scheduledJob("bot-backup-29000000", 120, 60),
          series("kube_job_failed", { namespace: ns, job_name: "bot-pre-update-k3x9a", condition: "true" }, "1x30"),
          series("kube_job_status_start_time", { namespace: ns, job_name: "bot-pre-update-k3x9a" }, "180x30"),
          series("kube_job_failed", { namespace: "kube-system", job_name: "bot-backup-29000000", condition: "true" }, "1x30"),
          series("kube_job_status_start_time", { namespace: "kube-system", job_name: "bot-backup-29000000" }, "120x30"),
        ],
        alert_rule_test: [
          {
            eval_time: "10m",
            alertname: "BackupJobFailed",
            exp_alerts: [
              expected("BackupJobFailed", { namespace: ns, job_name: "bot-backup-29000000", openclaw_instance: "bot" }),
              expected("BackupJobFailed", { namespace: ns, job_name: "bot-pre-update-k3x9a", openclaw_instance: "bot" }),
            ],
          },
          { eval_time: "10m", alertname: "RestoreFailed", exp_alerts: [] },
        ],
      },
      {
        name: "a failed scheduled backup followed by a successful run is silent",
        interval: "1m",
        input_series: scheduledJob("bot-backup-29000000", 120, 300),
        alert_rule_test: [{ eval_time: "10m", alertname: "BackupJobFailed", exp_alerts: [] }],
      },
      {
        name: "an hourly CronJob whose last success is 3 hours old is stale",
        interval: "1m",
        input_series: hourlyCronJob(0, 60),
        alert_rule_test: [
          { eval_time: "1h", alertname: "BackupStale", exp_alerts: [] },
          {
            eval_time: "3h",
            alertname: "BackupStale",
            exp_alerts: [expected("BackupStale", { namespace: ns, cronjob: "bot-backup", openclaw_instance: "bot" })],
          },
        ],
      },
      {
        name: "a CronJob that never succeeded is stale after twice its interval",
        interval: "1m",
        input_series: hourlyCronJob(0),
        alert_rule_test: [
          {
            eval_time: "3h",
            alertname: "BackupStale",
            exp_alerts: [expected("BackupStale", { namespace: ns, cronjob: "bot-backup", openclaw_instance: "bot" })],
          },
        ],
      },
      {
        name: "a suspended CronJob (instance at zero replicas) is never stale",
        interval: "1m",
        input_series: [...hourlyCronJob(1, 60)],
        alert_rule_test: [{ eval_time: "3h", alertname: "BackupStale", exp_alerts: [] }],
      },
      {
        name: "a recent success keeps an hourly CronJob quiet",
        interval: "1m",
        input_series: hourlyCronJob(0, 9000),
        alert_rule_test: [{ eval_time: "3h", alertname: "BackupStale", exp_alerts: [] }],
      },
      {
        name: "a failed restore fires",
        interval: "1m",
        input_series: [series("kube_job_failed", { namespace: ns, job_name: "bot-restore-0123456789", condition: "true" }, "1x30")],
        alert_rule_test: [
          {
            eval_time: "5m",
            alertname: "RestoreFailed",
            exp_alerts: [expected("RestoreFailed", { namespace: ns, job_name: "bot-restore-0123456789", openclaw_instance: "bot" })],
          },
          { eval_time: "5m", alertname: "BackupJobFailed", exp_alerts: [] },
        ],
      },
    ];
    const testFile = join(work, "backup-rules.test.yaml");
    writeFileSync(testFile, stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests }));
    const { code, out } = promtool(["test", "rules", testFile]);
    assert.equal(code, 0, out);
    assert.match(out, /SUCCESS/);
    process.stderr.write(`      promtool test rules (${tests.length} scenarios): ${out.trim().split("\n").join(" / ")}\n`);
  });
});
