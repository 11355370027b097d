// The lifecycle hook bodies against a fake Kubernetes API that records calls. Pulumi never runs
// hooks under its mocks, so this is where their behaviour is pinned down: success, Job failure,
// timeout, an instance already at zero, a missing Job, and the restore dance.
import * as assert from "node:assert/strict";
import type { V1CronJob, V1Job } from "@kubernetes/client-node";
import {
  STOPPED_REPLICAS_ANNOTATION,
  PRE_UPDATE_SNAPSHOT_ANNOTATION,
  PRE_UPDATE_IMAGE_ANNOTATION,
} from "../../components/lifecycle-hooks/annotations";
import { oneShotJobFromCronJob, oneShotJobName, SNAPSHOT_KIND_LABEL } from "../../components/lifecycle-hooks/jobs";
import { DeletionAborted, preDeleteBackup } from "../../components/lifecycle-hooks/pre-delete";
import { preUpdateBackup, UpdateAborted } from "../../components/lifecycle-hooks/pre-update";
import { restartAfterFailure, startAfterRestore, stopForRestore } from "../../components/lifecycle-hooks/restore";
import type { InstanceRef } from "../../components/lifecycle-hooks/workload";
import { assertValidObject } from "../support/k8s-schema";
import { findObject, runProgram } from "../support/stacks";
import { backupStack } from "../backup-k8s/fixtures";
import { FakeKube, fakeDeps } from "./fake-kube";

const NS = "openclaw-acme";
const REF: InstanceRef = { tenant: "acme", instance: "bot", namespace: NS, statefulSet: "bot" };
const THIRTY_MIN = 30 * 60_000;
const OLD = "ghcr.io/openclaw/openclaw:2026.9.6";
const NEW = "ghcr.io/openclaw/openclaw:2026.12.0";

let cronJob: V1CronJob;

before(async function () {
  this.timeout(300_000);
  // The real CronJob the program renders: one-shot Jobs are made from exactly this.
  cronJob = findObject(await runProgram(backupStack()), "CronJob", "bot-backup");
});

function cluster(options: { replicas?: number } = {}): FakeKube {
  const kube = new FakeKube();
  kube.addStatefulSet(NS, "bot", { replicas: options.replicas ?? 1, pods: options.replicas ?? 1 });
  kube.cronJobs.set(`${NS}/bot-backup`, cronJob);
  return kube;
}

function createdJob(kube: FakeKube): V1Job {
  const jobs = [...kube.jobs.values()];
  const [first] = jobs;
  assert.ok(jobs.length === 1 && first !== undefined, `expected one Job, got ${jobs.length}`);
  return first.job;
}

function engineEnv(job: V1Job): Record<string, string | undefined> {
  const engine = job.spec?.template.spec?.containers.find((c) => c.name === "engine");
  return Object.fromEntries((engine?.env ?? []).map((e) => [e.name, e.value]));
}

describe("lifecycle hooks: pre-delete backup", () => {
  it("stops the instance, then runs a cold pre-delete Job from the CronJob's template, and lets the deletion go on", async () => {
    const kube = cluster();
    const deps = fakeDeps(kube);
    const result = await preDeleteBackup(deps, { ref: REF, policy: "required", timeoutMs: THIRTY_MIN });
    // The snapshot is named for when the Job was made, after the 5 s it took the pod to stop.
    assert.deepEqual(result, { status: "backed-up", snapshot: "backups/acme/bot/pre-delete/20261122T035017Z" });
    const writes = kube.writes();
    assert.match(writes[0] ?? "", /^annotate openclaw-acme\/bot .*"openclaw.io\/stopped-replicas":"1"/);
    assert.equal(writes[1], "scale openclaw-acme/bot 0");
    assert.match(writes[2] ?? "", /^createJob openclaw-acme\/bot-pre-delete-[0-9a-z]+$/);
    // The Job is only created once the pod is gone: a countPods that returned 0 precedes it.
    const created = kube.calls.findIndex((c) => c.startsWith("createJob"));
    assert.ok(kube.calls.slice(0, created).includes("countPods openclaw-acme"));

    const job = createdJob(kube);
    assertValidObject(job as never);
    const env = engineEnv(job);
    assert.equal(env.OCB_KIND, "pre-delete");
    assert.equal(env.OCB_NOW, "20261122T035017Z", "the engine names the snapshot as the hook announced it");
    assert.equal(job.metadata?.labels?.[SNAPSHOT_KIND_LABEL], "pre-delete");
    assert.equal(job.spec?.template.metadata?.labels?.["app.kubernetes.io/component"], "backup");
    // Cold: the instance pod is gone, so its node is preferred, not required.
    const affinity = job.spec?.template.spec?.affinity?.podAffinity;
    assert.equal(affinity?.requiredDuringSchedulingIgnoredDuringExecution, undefined);
    assert.equal(affinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm.topologyKey, "kubernetes.io/hostname");
    // Everything else is the scheduled backup's pod, unchanged.
    const cronPod = cronJob.spec?.jobTemplate.spec?.template.spec;
    assert.equal(job.spec?.template.spec?.serviceAccountName, cronPod?.serviceAccountName);
    assert.deepEqual(job.spec?.template.spec?.volumes, cronPod?.volumes);
    assert.deepEqual(job.spec?.template.spec?.securityContext, cronPod?.securityContext);
  });

  it("aborts the deletion when the Job fails (default), naming the cause and the ways out", async () => {
    const kube = cluster();
    kube.jobScript = "fail";
    await assert.rejects(preDeleteBackup(fakeDeps(kube), { ref: REF, policy: "required", timeoutMs: THIRTY_MIN }), (error: Error) => {
      assert.ok(error instanceof DeletionAborted);
      assert.match(
        error.message,
        /acme\/bot: deletion aborted because its pre-delete backup failed: Job openclaw-acme\/bot-pre-delete-\w+ failed \(PodFailurePolicy/,
      );
      assert.match(error.message, /cannot list store/, "the engine's last log lines are in the message");
      assert.match(error.message, /skipBackupOnDelete: true/);
      return true;
    });
    // The instance stays stopped and nothing is deleted by the hook itself.
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.replicas, 0);
  });

  it("proceeds without a backup when onBackupFailure is proceed, and says so", async () => {
    const kube = cluster();
    kube.jobScript = "fail";
    const deps = fakeDeps(kube);
    const result = await preDeleteBackup(deps, { ref: REF, policy: "best-effort", timeoutMs: THIRTY_MIN });
    assert.equal(result.status, "proceeded-without-backup");
    assert.match(deps.logged.warn.join("\n"), /deleting anyway because backup.onBackupFailure is proceed/);
  });

  it("gives up at backup.deleteTimeout and aborts, leaving the Job running", async () => {
    const kube = cluster();
    kube.jobScript = "hang";
    const deps = fakeDeps(kube);
    const start = deps.clock.now();
    await assert.rejects(
      preDeleteBackup(deps, { ref: REF, policy: "required", timeoutMs: THIRTY_MIN }),
      /did not finish within backup.deleteTimeout \(30m\)/,
    );
    assert.equal(deps.clock.now() - start, THIRTY_MIN, "waited exactly the timeout");
    assert.ok(
      deps.logged.info.some((m) => /still running after/.test(m)),
      "reports progress while waiting",
    );
  });

  it("backs up an instance that is already at zero without scaling it", async () => {
    const kube = cluster({ replicas: 0 });
    const deps = fakeDeps(kube);
    const result = await preDeleteBackup(deps, { ref: REF, policy: "required", timeoutMs: THIRTY_MIN });
    assert.equal(result.status, "backed-up");
    assert.ok(!kube.calls.some((c) => c.startsWith("scale")), "no scale call");
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.annotations[STOPPED_REPLICAS_ANNOTATION], "0");
    assert.ok(deps.logged.info.some((m) => /already at zero/.test(m)));
  });

  it("treats a Job that disappears before finishing as a failure", async () => {
    const kube = cluster();
    kube.jobScript = "vanish";
    await assert.rejects(
      preDeleteBackup(fakeDeps(kube), { ref: REF, policy: "required", timeoutMs: THIRTY_MIN }),
      /disappeared before it finished/,
    );
  });

  it("aborts when there is no backup CronJob to make the Job from, before stopping anything", async () => {
    const kube = cluster();
    kube.cronJobs.clear();
    await assert.rejects(
      preDeleteBackup(fakeDeps(kube), { ref: REF, policy: "required", timeoutMs: THIRTY_MIN }),
      /backup CronJob openclaw-acme\/bot-backup does not exist/,
    );
    assert.deepEqual(kube.writes(), []);
  });

  it("aborts without a Job when the pod does not stop in time", async () => {
    const kube = cluster();
    kube.podStopPolls = Number.POSITIVE_INFINITY;
    await assert.rejects(
      preDeleteBackup(fakeDeps(kube), { ref: REF, policy: "required", timeoutMs: 5 * 60_000 }),
      /its pod did not stop within the deadline/,
    );
    assert.ok(!kube.calls.some((c) => c.startsWith("createJob")));
  });

  it("does nothing for skipBackupOnDelete or an instance without backups", async () => {
    for (const policy of ["skip", undefined] as const) {
      const kube = cluster();
      const result = await preDeleteBackup(fakeDeps(kube), { ref: REF, policy, timeoutMs: THIRTY_MIN });
      assert.equal(result.status, "skipped");
      assert.deepEqual(kube.calls, []);
    }
  });
});

describe("lifecycle hooks: pre-update backup", () => {
  it("does nothing when the image did not change", async () => {
    const kube = cluster();
    assert.deepEqual(
      await preUpdateBackup(fakeDeps(kube), { ref: REF, oldImage: OLD, newImage: OLD, policy: "required", timeoutMs: THIRTY_MIN }),
      { status: "not-an-upgrade" },
    );
    assert.deepEqual(kube.calls, []);
  });

  it("stops, backs up cold, records the snapshot and the old image, and leaves the start to the update", async () => {
    const kube = cluster();
    const result = await preUpdateBackup(fakeDeps(kube), {
      ref: REF,
      oldImage: OLD,
      newImage: NEW,
      policy: "required",
      timeoutMs: THIRTY_MIN,
    });
    assert.deepEqual(result, { status: "backed-up", snapshot: "backups/acme/bot/pre-update/20261122T035017Z" });
    const sts = kube.statefulSets.get(`${NS}/bot`);
    assert.equal(sts?.annotations[PRE_UPDATE_SNAPSHOT_ANNOTATION], "backups/acme/bot/pre-update/20261122T035017Z");
    assert.equal(sts?.annotations[PRE_UPDATE_IMAGE_ANNOTATION], OLD);
    assert.equal(sts?.replicas, 0, "the update itself starts the new version");
    assert.equal(engineEnv(createdJob(kube)).OCB_KIND, "pre-update");
  });

  for (const [script, cause] of [
    ["fail", /failed \(PodFailurePolicy/],
    ["hang", /did not finish within backup.deleteTimeout \(30m\)/],
    ["vanish", /disappeared/],
  ] as const) {
    it(`stops the update and starts the old version again when the backup Job ${script === "fail" ? "fails" : script === "hang" ? "times out" : "goes missing"}`, async () => {
      const kube = cluster();
      kube.jobScript = script;
      await assert.rejects(
        preUpdateBackup(fakeDeps(kube), { ref: REF, oldImage: OLD, newImage: NEW, policy: "required", timeoutMs: THIRTY_MIN }),
        (error: Error) => {
          assert.ok(error instanceof UpdateAborted);
          assert.match(
            error.message,
            /acme\/bot: update to ghcr.io\/openclaw\/openclaw:2026.12.0 stopped because the pre-update backup failed/,
          );
          assert.match(error.message, cause);
          assert.match(error.message, /2026.9.6 is running again/);
          return true;
        },
      );
      const sts = kube.statefulSets.get(`${NS}/bot`);
      assert.equal(sts?.replicas, 1);
      assert.equal(sts?.annotations[STOPPED_REPLICAS_ANNOTATION], undefined);
      assert.equal(sts?.annotations[PRE_UPDATE_SNAPSHOT_ANNOTATION], undefined);
    });
  }

  it("keeps an instance at zero at zero when its pre-update backup fails", async () => {
    const kube = cluster({ replicas: 0 });
    kube.jobScript = "fail";
    await assert.rejects(
      preUpdateBackup(fakeDeps(kube), { ref: REF, oldImage: OLD, newImage: NEW, policy: "required", timeoutMs: THIRTY_MIN }),
      UpdateAborted,
    );
    assert.ok(!kube.calls.some((c) => c.startsWith("scale")));
  });
});

describe("lifecycle hooks: restore into a running instance", () => {
  it("stops before the restore Job and starts after it, with the replicas it had", async () => {
    const kube = cluster();
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.replicas, 0);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.pods, 0, "nothing has the volume mounted when the Job is created");
    await startAfterRestore(deps, REF);
    const sts = kube.statefulSets.get(`${NS}/bot`);
    assert.equal(sts?.replicas, 1);
    assert.equal(sts?.annotations[STOPPED_REPLICAS_ANNOTATION], undefined);
    assert.deepEqual(
      kube.writes().map((w) => w.replace(/ \{.*/, "")),
      ["annotate openclaw-acme/bot", "scale openclaw-acme/bot 0", "scale openclaw-acme/bot 1", "annotate openclaw-acme/bot"],
    );
  });

  it("does nothing around the first restore of a new instance (no StatefulSet yet)", async () => {
    const kube = new FakeKube();
    await stopForRestore(fakeDeps(kube), REF, THIRTY_MIN);
    await startAfterRestore(fakeDeps(kube), REF);
    assert.deepEqual(kube.writes(), []);
  });

  it("leaves an instance that was at zero at zero after the restore", async () => {
    const kube = cluster({ replicas: 0 });
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    await startAfterRestore(deps, REF);
    assert.ok(!kube.calls.some((c) => c.startsWith("scale")));
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.annotations[STOPPED_REPLICAS_ANNOTATION], undefined);
  });

  it("starts the instance again on its data when the restore Job failed, and never retries", async () => {
    const kube = cluster();
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    const retry = await restartAfterFailure(deps, REF, "create of acme/bot-backup-restore", ["Job failed: exit code 4"]);
    assert.equal(retry, false);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.replicas, 1);
    assert.match(deps.logged.warn.join("\n"), /exit code 4.*started the instance again/);
  });

  it("leaves the instance stopped after a rollback's restore, so the image being rolled back never runs on the restored data", async () => {
    const kube = cluster();
    kube.statefulSets.get(`${NS}/bot`)!.appImage = NEW;
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    await startAfterRestore(deps, REF, OLD);
    const sts = kube.statefulSets.get(`${NS}/bot`);
    assert.equal(sts?.replicas, 0);
    assert.equal(sts?.annotations[STOPPED_REPLICAS_ANNOTATION], "1", "the update (or its error hook) starts it with these replicas");
    assert.match(deps.logged.info.join("\n"), /left stopped until its update from .*2026.12.0 to .*2026.9.6 starts it/);
    // Same image configured as running: a plain restore starts it at once.
    await startAfterRestore(deps, REF, NEW);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.replicas, 1);
  });

  it("remembers the replicas of a stop whose run died half-way", async () => {
    const kube = cluster({ replicas: 0 });
    kube.statefulSets.get(`${NS}/bot`)!.annotations[STOPPED_REPLICAS_ANNOTATION] = "1";
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    await startAfterRestore(deps, REF);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.replicas, 1);
  });
});

describe("one-shot backup Jobs", () => {
  it("fit a Job name (63) for the longest instance name and kind", () => {
    const name = oneShotJobName("a".repeat(40), "pre-update", Date.UTC(2099, 11, 31, 23, 59, 59));
    assert.ok(name.length <= 63, `${name} is ${name.length} characters`);
  });

  it("refuse a CronJob that is not a backup CronJob", () => {
    const foreign = {
      metadata: { name: "x", namespace: NS, labels: {} },
      spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "app" }] } } } } },
    } as V1CronJob;
    assert.throws(
      () => oneShotJobFromCronJob(foreign, { kind: "manual", nowMs: 0, cold: false, requestedBy: "test" }),
      /has no 'engine' container/,
    );
  });

  it("keep the required affinity of a warm (manual) backup of a running instance", () => {
    const { job } = oneShotJobFromCronJob(cronJob, { kind: "manual", nowMs: Date.UTC(2026, 0, 1), cold: false, requestedBy: "test" });
    assert.ok(job.spec?.template.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    assertValidObject(job as never);
  });
});

describe("lifecycle hooks: which object a delete hook reads", () => {
  it("takes the last applied inputs, not outputs that may predate the last update or carry others' annotations", async () => {
    const { deletedObject, objectMeta } = await import("../../components/lifecycle-hooks/refs");
    const { recordedPreDeletePolicy, PRE_DELETE_ANNOTATION } = await import("../../components/lifecycle-hooks/annotations");
    // As the e2e suite saw it: backups turned off removed the policy from the inputs, the outputs kept it.
    const oldInputs = {
      metadata: {
        name: "ops",
        namespace: "openclaw-globex",
        labels: { "app.kubernetes.io/instance": "ops", "openclaw.io/tenant": "globex" },
      },
    };
    const oldOutputs = { metadata: { ...oldInputs.metadata, annotations: { [PRE_DELETE_ANNOTATION]: "required" } } };
    assert.equal(recordedPreDeletePolicy(objectMeta(deletedObject({ oldInputs, oldOutputs })).annotations), undefined);
    assert.equal(
      recordedPreDeletePolicy(objectMeta(deletedObject({ oldOutputs })).annotations),
      "required",
      "outputs serve when there are no inputs",
    );
  });
});

describe("lifecycle hooks: after an update", () => {
  it("clears the stop marker the live StatefulSet carries, whatever the update's outputs said, and writes nothing when there is none", async () => {
    const { clearStopMarkerAfterUpdate } = await import("../../components/lifecycle-hooks/workload");
    const kube = cluster();
    kube.statefulSets.get(`${NS}/bot`)!.annotations[STOPPED_REPLICAS_ANNOTATION] = "1";
    assert.equal(await clearStopMarkerAfterUpdate(fakeDeps(kube), REF), true);
    assert.equal(kube.statefulSets.get(`${NS}/bot`)?.annotations[STOPPED_REPLICAS_ANNOTATION], undefined);
    const unmarked = cluster();
    assert.equal(await clearStopMarkerAfterUpdate(fakeDeps(unmarked), REF), false);
    assert.deepEqual(unmarked.writes(), []);
  });
});

describe("lifecycle hooks: a failed restore", () => {
  it("starts the instance again, keeps the failed Job for the next up to replace, and says so with the Job's last lines", async () => {
    const { restoreFailed } = await import("../../components/lifecycle-hooks/restore");
    const kube = cluster();
    const deps = fakeDeps(kube);
    await stopForRestore(deps, REF, THIRTY_MIN);
    const retry = await restoreFailed(
      deps,
      REF,
      { namespace: NS, name: "bot-restore-1a2b3c", source: "backups/acme/bot/periodic/20261101T000000Z" },
      ["Job failed: exit code 4"],
    );
    assert.equal(retry, false, "a failed restore is never retried within the run");
    assert.deepEqual(
      kube.writes().map((w) => w.replace(/ \{.*/, "")),
      ["annotate openclaw-acme/bot", "scale openclaw-acme/bot 0", "scale openclaw-acme/bot 1", "annotate openclaw-acme/bot"],
    );
    const warning = deps.logged.warn.join("\n");
    assert.match(warning, /acme\/bot: the restore from backups\/acme\/bot\/periodic\/20261101T000000Z failed \(Job failed: exit code 4\)/);
    assert.match(warning, /last log lines:\nocb\[backup\] ERROR/);
    assert.match(warning, /The next `pulumi up` replaces the failed Job openclaw-acme\/bot-restore-1a2b3c with a new attempt/);
  });
});

describe("lifecycle hooks: the cause of a provider error", () => {
  it("keeps the cause lines of a Kubernetes provider error and drops its framing", async () => {
    const { providerErrorCause } = await import("../../components/lifecycle-hooks/restore");
    const error =
      "3 errors occurred:\n\t* resource \"urn:pulumi:e2e::p::kubernetes:batch/v1:Job::acme/bot-backup-restore\" was successfully created, but the Kubernetes API server reported that it failed to fully initialize or become live: Resource 'bot-restore-1' was created but failed to initialize\n" +
      '\t* [Pod openclaw-acme/bot-restore-1-x]: Container "engine" completed with exit code 4\n\t* [BackoffLimitExceeded] Job has reached the specified backoff limit\n\n';
    assert.equal(
      providerErrorCause(error),
      '[Pod openclaw-acme/bot-restore-1-x]: Container "engine" completed with exit code 4; [BackoffLimitExceeded] Job has reached the specified backoff limit',
    );
    assert.equal(providerErrorCause("timed out"), "timed out");
    assert.equal(providerErrorCause(undefined), "unknown error");
  });
});
