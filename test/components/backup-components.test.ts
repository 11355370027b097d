// The backup schedule and the restore Job as ComponentResources of their own: their tokens, that
// their objects answer to the parent they had before (an alias, so no upgrade replaces a CronJob
// or re-runs a restore), and that the fleet's lifecycle hooks reach every object through the
// component args, with no module state.
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { Fleet } from "../../components/fleet/fleet";
import type { LifecycleHooks } from "../../components/lifecycle-hooks/register";
import { loadFleetConfig } from "../../components/validation/load";
import { runWithMocks, type Registration } from "../../scripts/lib/mock-runtime";
import { backupStack } from "../backup-k8s/fixtures";
import { findRegistration, runProgram } from "../support/stacks";

const RESTORING = backupStack({ restoreFrom: "acme/bot/latest" });

/** A hook the SDK takes as registered: what the engine would get from a real registration, by name. */
function stubHook(name: string): pulumi.ResourceHook {
  return {
    __pulumiResourceHook: true,
    __registered: Promise.resolve(),
    name,
    callback: async () => undefined,
  } as unknown as pulumi.ResourceHook;
}
function stubErrorHook(name: string): pulumi.ErrorHook {
  return { __pulumiErrorHook: true, __registered: Promise.resolve(), name, callback: async () => false } as unknown as pulumi.ErrorHook;
}

const STUB_HOOKS: LifecycleHooks = {
  workload: {
    beforeDelete: [stubHook("w-before-delete")],
    beforeUpdate: [stubHook("w-before-update")],
    afterUpdate: [stubHook("w-after-update")],
    onError: [stubErrorHook("w-on-error")],
  },
  restore: {
    beforeCreate: [stubHook("r-before-create")],
    afterCreate: [stubHook("r-after-create")],
    onError: [stubErrorHook("r-on-error")],
  },
  namespace: { beforeDelete: [stubHook("n-before-delete")] },
};

function one(registrations: readonly Registration[], type: string): Registration {
  const found = registrations.filter(
    (r) => r.type === type && (r.name.startsWith("acme/") || !r.name.includes("/")) && !r.name.startsWith("globex"),
  );
  assert.equal(found.length, 1, `one ${type}: ${found.map((r) => r.name).join(", ")}`);
  return found[0] as Registration;
}

describe("BackupSchedule and RestoreJob components", () => {
  let registrations: Registration[];
  before(async () => {
    registrations = await runProgram(RESTORING);
  });

  it("register under InstanceBackup with their pkg:module:Type tokens, named after the instance", () => {
    const schedule = findRegistration(registrations, "openclaw:backup:BackupSchedule", "acme/bot-backup-schedule");
    const restore = findRegistration(registrations, "openclaw:backup:RestoreJob", "acme/bot-backup-restore");
    assert.equal(schedule.parent, "openclaw:backup:InstanceBackup::acme/bot-backup");
    assert.equal(restore.parent, "openclaw:backup:InstanceBackup::acme/bot-backup");
    assert.equal(schedule.custom, false);
    assert.equal(restore.custom, false);
  });

  it("own the CronJob and the Job, which keep their names and answer to their earlier parent", () => {
    const cronJob = one(registrations, "kubernetes:batch/v1:CronJob");
    const job = one(registrations, "kubernetes:batch/v1:Job");
    assert.equal(cronJob.name, "acme/bot-backup-schedule");
    assert.equal(job.name, "acme/bot-backup-restore");
    assert.equal(cronJob.parent, "openclaw:backup:BackupSchedule::acme/bot-backup-schedule");
    assert.equal(job.parent, "openclaw:backup:RestoreJob::acme/bot-backup-restore");
    // The engine finds the object in state under its old URN (parent InstanceBackup), not as a new one.
    assert.ok(
      cronJob.aliasParents?.includes("openclaw:backup:InstanceBackup::acme/bot-backup"),
      `CronJob aliases: ${cronJob.aliasParents?.join(", ")}`,
    );
    assert.ok(
      job.aliasParents?.includes("openclaw:backup:InstanceBackup::acme/bot-backup"),
      `Job aliases: ${job.aliasParents?.join(", ")}`,
    );
  });

  it("keep the ordering: the restore waits for the claim, the schedule for the restore, the StatefulSet for both", () => {
    const job = one(registrations, "kubernetes:batch/v1:Job");
    const cronJob = one(registrations, "kubernetes:batch/v1:CronJob");
    const sts = one(registrations, "kubernetes:apps/v1:StatefulSet");
    assert.ok(job.dependencies?.includes("acme/bot-data"), `restore Job depends on ${job.dependencies?.join(", ")}`);
    assert.ok(cronJob.dependencies?.includes("acme/bot-backup-restore"), `CronJob depends on ${cronJob.dependencies?.join(", ")}`);
    assert.ok(sts.dependencies?.includes("acme/bot-backup-restore"), `StatefulSet depends on ${sts.dependencies?.join(", ")}`);
  });

  it("bind none of the lifecycle hooks when the program is told it cannot register them (mocks, render)", () => {
    for (const r of registrations) assert.equal(r.hooks, undefined, `${r.type} ${r.name}`);
  });
});

describe("lifecycle hooks travel through the component args", () => {
  it("reach the tenant Namespace, the instance StatefulSet and the restore Job, and nothing else", async () => {
    const { registrations } = await runWithMocks(
      RESTORING,
      (raw) => new Fleet("fleet", { model: loadFleetConfig(raw), hooks: STUB_HOOKS }),
    );
    const bound = registrations
      .filter((r) => r.hooks !== undefined)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    assert.deepEqual(bound, [
      "kubernetes:apps/v1:StatefulSet acme/bot-statefulset",
      "kubernetes:apps/v1:StatefulSet globex/ops-statefulset",
      "kubernetes:batch/v1:Job acme/bot-backup-restore",
      "kubernetes:core/v1:Namespace acme-namespace",
      "kubernetes:core/v1:Namespace globex-namespace",
    ]);
    assert.deepEqual(one(registrations, "kubernetes:core/v1:Namespace").hooks, { beforeDelete: ["n-before-delete"] });
    assert.deepEqual(one(registrations, "kubernetes:apps/v1:StatefulSet").hooks, {
      beforeUpdate: ["w-before-update"],
      afterUpdate: ["w-after-update"],
      beforeDelete: ["w-before-delete"],
      onError: ["w-on-error"],
    });
    assert.deepEqual(one(registrations, "kubernetes:batch/v1:Job").hooks, {
      beforeCreate: ["r-before-create"],
      afterCreate: ["r-after-create"],
      onError: ["r-on-error"],
    });
  });
});
