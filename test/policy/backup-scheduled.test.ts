import { strict as assert } from "node:assert";
import { backupScheduled } from "../../policy/rules/backup-schedule";
import { minimalStack, runProgram } from "../support/stacks";
import { changed, devRegistrations, first, swapped } from "./fixtures";
import { evaluate } from "./harness";

const CRON = "kubernetes:batch/v1:CronJob";
const STS = "kubernetes:apps/v1:StatefulSet";

describe("policy backup-scheduled", () => {
  it("fires for an instance with a volume when backups are off, and not for one without a volume", async () => {
    const withVolume = await evaluate(backupScheduled, await runProgram(minimalStack()));
    assert.deepEqual(
      withVolume.map((v) => v.message),
      [
        "StatefulSet openclaw-acme/bot (instance acme/bot) keeps data on a volume but has no backup CronJob labelled app.kubernetes.io/component=backup for it in namespace openclaw-acme",
      ],
    );
    assert.deepEqual(await evaluate(backupScheduled, await runProgram(minimalStack({ persistence: { enabled: false } }))), []);
  });

  it("lets config exempt an instance whose data may be lost", async () => {
    const registrations = await runProgram(minimalStack());
    assert.deepEqual(await evaluate(backupScheduled, registrations, { exempt: ["acme/*"] }), []);
    assert.equal((await evaluate(backupScheduled, registrations, { exempt: ["other/*"] })).length, 1);
  });

  it("does not count a CronJob of another instance, or one not labelled as a backup", async () => {
    const base = await devRegistrations();
    const cron = first(base, CRON);
    const instance = String((cron.inputs.metadata as { labels: Record<string, string> }).labels["app.kubernetes.io/instance"]);
    for (const [label, value] of [
      ["app.kubernetes.io/instance", "someone-else"],
      ["app.kubernetes.io/component", "gateway"],
    ] as const) {
      const violations = await evaluate(backupScheduled, swapped(base, cron, changed(cron, [["metadata", "labels", label], value])));
      assert.equal(violations.length, 1, `${label}=${value}: ${JSON.stringify(violations)}`);
      assert.match(violations[0]?.message ?? "", new RegExp(`instance \\w+/${instance}\\)`));
    }
  });

  it("fires when the schedule is suspended while the instance runs, not when it is stopped", async () => {
    const base = await devRegistrations();
    const cron = first(base, CRON);
    const instance = (cron.inputs.metadata as { labels: Record<string, string> }).labels["app.kubernetes.io/instance"];
    const suspended = swapped(base, cron, changed(cron, [["spec", "suspend"], true]));
    assert.match((await evaluate(backupScheduled, suspended))[0]?.message ?? "", /is running but its backup CronJob is suspended/);
    const sts = first(base, STS, (r) => (r.inputs.metadata as { name: string }).name === instance);
    assert.deepEqual(await evaluate(backupScheduled, swapped(suspended, sts, changed(sts, [["spec", "replicas"], 0]))), []);
  });
});
