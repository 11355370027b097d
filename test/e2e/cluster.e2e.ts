import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import { startS3Server, type S3Server } from "../support/s3server";
import { exampleStackConfig, exampleStacks, kubernetesObjects, minimalStack, runProgram } from "../support/stacks";
import { admitRendered } from "./support/admission";
import { BROKEN_NODE, startControlPlane, type ControlPlane } from "./support/control-plane";
import { Kube, podTemplateOf, type KubeObject } from "./support/kube";
import { openProject, ourWarnings, type Project } from "./support/pulumi";
import { StackFile, type ConfigValues } from "./support/stack-file";
import { e2eSuite } from "./support/suite";

const STACK = "e2e";
const PART_OF = "app.kubernetes.io/part-of=openclaw-fleet";
const FIRST_TAG = "2026.9.6";
const NEXT_TAG = "2026.9.7";

type Instances = Record<string, Record<string, unknown>>;

interface FleetShape {
  readonly tenants: Record<string, Instances> & { readonly acme: Instances };
  readonly tag?: string;
  readonly backups?: "on" | "off-and-no-store";
  readonly rollout?: Record<string, unknown>;
}

/**
 * The program against a real Kubernetes API server, through the real Pulumi
 * CLI and engine, from the first `up` to `destroy --run-program`: every
 * engine-only behaviour (hooks, ClaimGuard's dynamic provider, error hooks,
 * outputs read back from objects the hooks changed) runs for real. kwok
 * stands in for kubelets: pods become Ready and Job pods exit 0 without
 * running anything, or exit with the code a pod template's
 * `e2e.openclaw.io/exit-code` label asks for.
 */
describe("e2e: a fleet on a real control plane", function () {
  const ctx = e2eSuite("cluster");
  let plane: ControlPlane;
  let kube: Kube;
  let s3: S3Server;
  let project: Project;
  let stack: StackFile;
  let shape: FleetShape;
  /** The snapshot `backup now` took, for the restore retry. */
  let manualSnapshot = "";

  const config = (fleet: FleetShape): ConfigValues => {
    const backupsOn = fleet.backups !== "off-and-no-store";
    return {
      cluster: { kubernetes: { kubeconfig: plane.kubeconfig, context: "openclaw-e2e" } },
      backup: backupsOn
        ? {
            store: {
              kind: "s3Compatible",
              endpoint: s3.endpoint,
              bucket: s3.bucket,
              region: "us-east-1",
              provider: "Minio",
              credentials: { accessKeyId: { secretRef: "store-access-key" }, secretAccessKey: { secretRef: "store-secret-key" } },
            },
            // Short polls keep the hooks quick against kwok's instant pods.
            deleteTimeout: "5m",
          }
        : { enabled: false },
      defaults: { image: { tag: fleet.tag ?? FIRST_TAG }, backup: { schedule: "6h" } },
      ...(fleet.rollout !== undefined ? { rollout: fleet.rollout } : {}),
      tenants: Object.fromEntries(Object.entries(fleet.tenants).map(([tenant, instances]) => [tenant, { instances }])),
      // A policy-free instance is the platform team's choice per tenant (issue 25).
      platform: {
        tenants: Object.fromEntries(
          Object.entries(fleet.tenants)
            .filter(([, instances]) => Object.values(instances).some((i) => JSON.stringify(i).includes('"networkPolicy":{"enabled":false')))
            .map(([tenant]) => [tenant, { allowNetworkPolicyOff: true }]),
        ),
      },
    };
  };

  const apply = (next: FleetShape) => {
    shape = next;
    stack.write(config(next));
  };
  const up = (extra: string[] = []) => project.pulumi(["up", "-s", STACK, "--yes", "--skip-preview", ...extra], { timeoutMs: 15 * 60_000 });
  const upOk = async (extra: string[] = []) => {
    const result = await up(extra);
    assert.equal(result.code, 0, `pulumi up failed:\n${result.output}`);
    return result;
  };
  const statefulSet = (tenant: string, instance: string) => kube.get("statefulset", `openclaw-${tenant}`, instance);
  const jobs = async (tenant: string, kind: string) =>
    (await kube.list("jobs", `openclaw-${tenant}`, `openclaw.io/snapshot-kind=${kind}`)).sort((a, b) =>
      String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)),
    );
  const complete = (job: KubeObject | undefined) =>
    ((job?.status?.conditions as { type: string; status: string }[] | undefined) ?? []).some(
      (c) => c.type === "Complete" && c.status === "True",
    );
  const stackOutput = async (name: string): Promise<unknown> =>
    JSON.parse((await project.ok(["stack", "output", "-s", STACK, "--json", name])).stdout) as unknown;

  before(async function () {
    this.timeout(300_000);
    plane = await startControlPlane({ binDir: ctx.bin, dir: join(ctx.dir, "cluster") });
    kube = new Kube(plane);
    s3 = await startS3Server();
    project = openProject({ binDir: ctx.bin, dir: ctx.dir, env: { PULUMI_CONFIG_PASSPHRASE: "e2e-throw-away" } });
    await project.ok(["login", "--local"]);
    stack = new StackFile(project, STACK);
    await stack.init({ "store-access-key": s3.accessKeyId, "store-secret-key": s3.secretAccessKey });
  });

  after(async function () {
    this.timeout(120_000);
    await plane?.stop();
    await s3?.close();
  });

  it("every object the example stacks and an instance with every option render is accepted by the API server: strict schema, admission, no warning", async function () {
    this.timeout(10 * 60_000);
    // First, on an empty cluster: the example stacks name the fleet's namespaces and claims.
    const stacks = [
      ...exampleStacks().map((name) => ({ name, raw: exampleStackConfig(name) })),
      { name: "all options", raw: minimalStack(ALL_OPTIONS_INSTANCE) },
    ];
    let admitted = 0;
    for (const { name, raw } of stacks) {
      const report = await admitRendered(plane, kubernetesObjects(await runProgram(raw)));
      assert.ok(report.admitted >= 10, `${name}: only ${report.admitted} objects checked`);
      admitted += report.admitted;
    }
    console.log(
      `      ${admitted} rendered objects of ${stacks.length} stacks admitted (server-side dry run, strict field validation, warnings as errors)`,
    );
    // The check refuses what the API server would drop or Pod Security would flag.
    const objects = kubernetesObjects(await runProgram(minimalStack(ALL_OPTIONS_INSTANCE)));
    const withPodSpec = (change: (pod: { [key: string]: unknown; containers: { securityContext: Record<string, unknown> }[] }) => void) =>
      objects.map((o) => {
        if (o.kind !== "StatefulSet") return o;
        const copy = structuredClone(o) as typeof o & { spec: { template: { spec: Parameters<typeof change>[0] } } };
        change(copy.spec.template.spec);
        return copy;
      });
    await assert.rejects(
      admitRendered(
        plane,
        withPodSpec((pod) => (pod.nodeAfinity = {})),
      ),
      /unknown field "nodeAfinity"/,
    );
    await assert.rejects(
      admitRendered(
        plane,
        withPodSpec((pod) => {
          const [container] = pod.containers;
          if (container !== undefined) container.securityContext.allowPrivilegeEscalation = true;
        }),
      ),
      /PodSecurity/,
    );
  });

  it("up creates the fleet; every pod template is admitted under Pod Security restricted; the instances become Ready", async function () {
    this.timeout(15 * 60_000);
    apply({ tenants: { acme: { support: {}, sales: { backup: { onBackupFailure: "proceed" } } }, globex: { ops: {} } } });
    const result = await upOk();
    assert.deepEqual(ourWarnings(result.output), [], "the first up printed warnings");
    assert.doesNotMatch(result.output, /violate PodSecurity/);
    for (const [tenant, instances] of Object.entries(shape.tenants)) {
      const ns = await kube.get("namespace", undefined, `openclaw-${tenant}`);
      assert.equal(ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
      for (const instance of Object.keys(instances)) {
        const sts = await statefulSet(tenant, instance);
        assert.equal(sts?.status?.readyReplicas, 1, `${tenant}/${instance} is not Ready`);
      }
      assert.deepEqual(await kube.events(`openclaw-${tenant}`, "FailedCreate"), [], "a controller could not create a pod");
      const workloads = [
        ...(await kube.list("statefulsets", `openclaw-${tenant}`)),
        ...(await kube.list("cronjobs", `openclaw-${tenant}`)),
        ...(await kube.list("jobs", `openclaw-${tenant}`)),
      ];
      assert.ok(workloads.length >= 2 * Object.keys(instances).length, "missing StatefulSets or CronJobs");
      for (const workload of workloads) {
        const template = podTemplateOf(workload);
        if (template !== undefined)
          await kube.admitPodTemplate(`openclaw-${tenant}`, `${workload.kind}/${workload.metadata.name}`, template);
      }
    }
  });

  it("a second preview plans no change (no perpetual diff)", async function () {
    this.timeout(10 * 60_000);
    const preview = await project.pulumi(["preview", "-s", STACK, "--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
  });

  it("adding an instance creates it and changes nothing else", async function () {
    this.timeout(15 * 60_000);
    apply({ ...shape, tenants: { ...shape.tenants, acme: { ...shape.tenants.acme, billing: {} } } });
    const result = await upOk();
    assert.match(result.output, /Resources:[\s\S]*\+ \d+ created[\s\S]*\d+ unchanged/);
    assert.doesNotMatch(result.output, /~ \d+ updated|-\d+ deleted|replaced/);
    assert.equal((await statefulSet("acme", "billing"))?.status?.readyReplicas, 1);
  });

  it("an image bump in waves of one: each instance stopped, backed up by a Job from its CronJob, updated, one at a time; the snapshots exported", async function () {
    this.timeout(20 * 60_000);
    const before = new Date().toISOString();
    apply({ ...shape, tag: NEXT_TAG, rollout: { maxPerWave: 1 } });
    const waves = (await project.run("npm", ["run", "--silent", "fleet", "--", "--stack", STACK, "rollout", "--json"])).stdout.trim();
    const order = (JSON.parse(waves) as { waves: string[][] }).waves.map((wave) => {
      assert.equal(wave.length, 1);
      return wave[0];
    });
    const result = await upOk();
    // At most one instance down at a time: the next instance is stopped only after the previous one's update is done.
    const at = (pattern: RegExp, what: string) => {
      const index = result.output.search(pattern);
      assert.ok(index >= 0, `no "${what}" in the output`);
      return index;
    };
    for (let i = 1; i < order.length; i++) {
      const [tenant, instance] = (order[i - 1] ?? "").split("/");
      const updated = at(
        new RegExp(`~\\s+kubernetes:apps/v1:StatefulSet ${tenant}/${instance}-statefulset updated`),
        `${order[i - 1]} updated`,
      );
      const stopped = at(new RegExp(`${order[i]}: stopping \\(scale 1 -> 0\\) for the pre-update backup`), `${order[i]} stopping`);
      assert.ok(updated < stopped, `${order[i]} was stopped before ${order[i - 1]} was updated`);
    }
    const snapshots = (await stackOutput("preUpdateSnapshots")) as Record<string, string>;
    const instances = Object.entries(shape.tenants).flatMap(([t, is]) => Object.keys(is).map((i) => `${t}/${i}`));
    assert.deepEqual(Object.keys(snapshots).sort(), instances.sort(), "preUpdateSnapshots lacks an instance");
    for (const key of instances) {
      const [tenant, instance] = key.split("/");
      assert.ok(tenant !== undefined && instance !== undefined, key);
      assert.match(snapshots[key] ?? "", new RegExp(`^backups/${tenant}/${instance}/pre-update/\\d{8}T\\d{6}Z$`));
      assert.match(result.output, new RegExp(`${tenant}/${instance}: stopping \\(scale 1 -> 0\\) for the pre-update backup`));
      const done = (await jobs(tenant, "pre-update")).filter(
        (j) =>
          j.metadata.labels?.["app.kubernetes.io/instance"] === instance && String(j.metadata.creationTimestamp) >= before.slice(0, 19),
      );
      assert.equal(done.length, 1, `${key}: expected one pre-update Job`);
      assert.ok(complete(done[0]), `${key}: the pre-update Job did not complete`);
      const sts = await statefulSet(tenant, instance);
      const image = (
        (sts?.spec?.template as { spec: { containers: { name: string; image: string }[] } }).spec.containers.find(
          (c) => c.name === "openclaw",
        ) ?? { image: "" }
      ).image;
      assert.match(image, new RegExp(`:${NEXT_TAG.replace(/\./g, "\\.")}$`));
      assert.equal(sts?.status?.readyReplicas, 1, `${key} did not start again`);
      assert.equal(sts?.metadata.annotations?.["openclaw.io/pre-update-snapshot"], snapshots[key]);
      assert.equal(sts?.metadata.annotations?.["openclaw.io/stopped-replicas"], undefined, `${key} still marked stopped`);
    }
    const again = await project.pulumi(["preview", "-s", STACK, "--expect-no-changes"]);
    assert.equal(again.code, 0, `the hooks' annotations made a perpetual diff:\n${again.output}`);
  });

  it("the policy pack runs in the real analyzer: the fleet passes, and a violating config fails with the policy's message", async function () {
    this.timeout(15 * 60_000);
    const passing = await project.pulumi(["preview", "-s", STACK, "--policy-pack", "policy"]);
    assert.equal(passing.code, 0, passing.output);
    // A pack without violations prints no "Policies:" section; its loading is what shows it ran.
    assert.match(passing.output, /Loading policy packs\.\.\.: done/, "the policy pack did not run");
    const kept = shape;
    apply({ ...shape, tenants: { ...shape.tenants, globex: { ops: { networkPolicy: { enabled: false } } } } });
    const failing = await project.pulumi(["preview", "-s", STACK, "--policy-pack", "policy"]);
    apply(kept);
    assert.notEqual(failing.code, 0, "a violating preview passed");
    assert.match(failing.output, /instance-network-policy/);
    assert.match(
      failing.output,
      /StatefulSet openclaw-globex\/ops \(instance globex\/ops\): no NetworkPolicy in namespace openclaw-globex selects its pods/,
    );
  });

  it("the fleet CLI's backup now runs a Job from the CronJob and waits for it; doctor checks the store and each identity", async function () {
    this.timeout(10 * 60_000);
    const now = await project.run("npm", [
      "run",
      "--silent",
      "fleet",
      "--",
      "--stack",
      STACK,
      "backup",
      "now",
      "acme/support",
      "--timeout",
      "5m",
    ]);
    assert.equal(now.code, 0, now.output);
    assert.match(now.stdout, /^snapshot complete: backups\/acme\/support\/manual\/\d{8}T\d{6}Z$/m);
    manualSnapshot = /snapshot complete: (\S+)/.exec(now.stdout)?.[1] ?? "";
    const manual = await jobs("acme", "manual");
    assert.equal(manual.length, 1);
    assert.ok(complete(manual[0]));
    const doctor = await project.run("npm", ["run", "--silent", "fleet", "--", "--stack", STACK, "doctor"]);
    assert.equal(doctor.code, 0, doctor.output);
    for (const instance of ["acme/support", "acme/sales", "acme/billing", "globex/ops"])
      assert.match(
        doctor.output,
        new RegExp(`identity[^\\n]*${instance}[^\\n]*ok|${instance}[^\\n]*identity[^\\n]*ok`, "i"),
        `doctor did not check ${instance}'s identity`,
      );
  });

  it("restoreFrom on a running instance: stopped by the hook, the restore Job completes, then it is started again", async function () {
    this.timeout(15 * 60_000);
    const snapshots = (await stackOutput("preUpdateSnapshots")) as Record<string, string>;
    const source = snapshots["acme/support"];
    apply({ ...shape, tenants: { ...shape.tenants, acme: { ...shape.tenants.acme, support: { backup: { restoreFrom: source } } } } });
    const result = await upOk();
    assert.match(result.output, /acme\/support: stopping \(scale 1 -> 0\) for the restore/);
    assert.match(result.output, /acme\/support: restored and started again/);
    const restores = (await kube.list("jobs", "openclaw-acme", "app.kubernetes.io/component=restore")).filter(
      (j) => j.metadata.labels?.["app.kubernetes.io/instance"] === "support",
    );
    assert.equal(restores.length, 1, "one restore Job");
    assert.ok(complete(restores[0]), "the restore Job did not complete");
    const sts = await statefulSet("acme", "support");
    assert.equal(sts?.spec?.replicas, 1);
    assert.equal(sts?.status?.readyReplicas, 1);
    assert.equal(sts?.metadata.annotations?.["openclaw.io/stopped-replicas"], undefined);
    const again = await project.pulumi(["preview", "-s", STACK, "--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
    // Done with it: taking restoreFrom out removes the finished Job and touches nothing else.
    apply({ ...shape, tenants: { ...shape.tenants, acme: { ...shape.tenants.acme, support: {} } } });
    const cleared = await upOk();
    assert.match(cleared.output, /-\s+kubernetes:batch\/v1:Job acme\/support-backup-restore deleted/);
    assert.doesNotMatch(cleared.output, /StatefulSet acme\/support-statefulset (updated|replaced)/);
  });

  it("a failed restore leaves the instance running on its data, shows in the preview, and the next up tries it again", async function () {
    this.timeout(20 * 60_000);
    const nodes = (cordon: string, uncordon: string) =>
      Promise.all([plane.kubectl(["cordon", cordon]), plane.kubectl(["uncordon", uncordon])]);
    // Every Job pod on the broken node fails: send the restore there.
    await nodes("e2e-node-0", BROKEN_NODE);
    apply({
      ...shape,
      tenants: { ...shape.tenants, acme: { ...shape.tenants.acme, support: { backup: { restoreFrom: manualSnapshot } } } },
    });
    const failed = await up();
    await nodes(BROKEN_NODE, "e2e-node-0");
    assert.notEqual(failed.code, 0, "the up succeeded with a failed restore");
    // restoreFrom names the snapshot below the fleet prefix.
    assert.match(
      failed.output,
      new RegExp(
        `acme/support: the restore from ${manualSnapshot.replace(/^backups\//, "").replace(/\//g, "\\/")} failed \\(\\[Pod openclaw-acme/support-restore-\\S+\\]: Container "engine" completed with exit code 6; \\[BackoffLimitExceeded\\]`,
      ),
    );
    assert.match(failed.output, /The next `pulumi up` replaces the failed Job openclaw-acme\/support-restore-\S+ with a new attempt/);
    const sts = await statefulSet("acme", "support");
    assert.equal(sts?.spec?.replicas, 1, "the instance was left stopped");
    assert.equal(sts?.metadata.annotations?.["openclaw.io/stopped-replicas"], undefined);
    const preview = await project.pulumi(["preview", "-s", STACK, "--diff"]);
    assert.equal(preview.code, 0, preview.output);
    assert.match(
      preview.output,
      /kubernetes:batch\/v1:Job: \(replace\)\s+\[id=openclaw-acme\/support-restore-/,
      "the preview does not show the restore will run again",
    );
    const retried = await upOk();
    assert.match(retried.output, /acme\/support: restored and started again/);
    const [restore] = (await kube.list("jobs", "openclaw-acme", "app.kubernetes.io/component=restore")).filter(
      (j) => j.metadata.labels?.["app.kubernetes.io/instance"] === "support",
    );
    assert.ok(restore !== undefined && complete(restore), "no completed restore Job after the retry");
    apply({ ...shape, tenants: { ...shape.tenants, acme: { ...shape.tenants.acme, support: {} } } });
    await upOk();
  });

  it("a new instance cloned from a snapshot: its restore Job completes before its StatefulSet exists", async function () {
    this.timeout(15 * 60_000);
    const source = ((await stackOutput("preUpdateSnapshots")) as Record<string, string>)["globex/ops"];
    apply({ ...shape, tenants: { ...shape.tenants, globex: { ...shape.tenants.globex, clone: { backup: { restoreFrom: source } } } } });
    const result = await upOk();
    assert.match(result.output, /globex\/clone: first start, restoring into the new volume/);
    const [restore] = (await kube.list("jobs", "openclaw-globex", "app.kubernetes.io/component=restore")).filter(
      (j) => j.metadata.labels?.["app.kubernetes.io/instance"] === "clone",
    );
    assert.ok(restore !== undefined && complete(restore), "no completed restore Job");
    const sts = await statefulSet("globex", "clone");
    assert.equal(sts?.status?.readyReplicas, 1);
    const restored = Date.parse(String(restore.status?.completionTime));
    const created = Date.parse(String(sts?.metadata.creationTimestamp));
    assert.ok(
      restored <= created,
      `the StatefulSet (${sts?.metadata.creationTimestamp}) was created before the restore completed (${String(restore.status?.completionTime)})`,
    );
    apply({ ...shape, tenants: { ...shape.tenants, globex: { ...shape.tenants.globex, clone: {} } } });
    await upOk();
  });

  it("a storage class change is refused at preview by ClaimGuard, with the config path and the fix", async function () {
    this.timeout(10 * 60_000);
    const kept = shape;
    apply({ ...shape, tenants: { ...shape.tenants, globex: { ops: { persistence: { storageClass: "fast-ssd" } } } } });
    const preview = await project.pulumi(["preview", "-s", STACK]);
    apply(kept);
    assert.notEqual(preview.code, 0, "the preview planned a PVC replacement");
    assert.match(
      preview.output,
      /tenants\.globex\.instances\.ops\.persistence\.storageClass: PVC ops-data was created with storage class the cluster default, not "fast-ssd"/,
    );
    assert.match(preview.output, /Revert the change/);
  });

  /** Makes the instance's next backup pods exit with `code` (kwok reads the label), behind Pulumi's back. */
  const failBackupsOf = (tenant: string, instance: string, code: number | undefined) =>
    plane.kubectl([
      "patch",
      "cronjob",
      `${instance}-backup`,
      "-n",
      `openclaw-${tenant}`,
      "--type=json",
      "-p",
      JSON.stringify([
        code === undefined
          ? { op: "remove", path: "/spec/jobTemplate/spec/template/metadata/labels/e2e.openclaw.io~1exit-code" }
          : { op: "add", path: "/spec/jobTemplate/spec/template/metadata/labels/e2e.openclaw.io~1exit-code", value: String(code) },
      ]),
    ]);
  const without = (tenant: string, instance: string): FleetShape => {
    const instances = shape.tenants[tenant];
    assert.ok(instances, `no tenant ${tenant}`);
    const { [instance]: _gone, ...rest } = instances;
    return { ...shape, tenants: { ...shape.tenants, [tenant]: rest } };
  };

  it("removing an instance whose pre-delete backup fails (onBackupFailure: abort) stops the deletion with the cause, and the instance is kept", async function () {
    this.timeout(15 * 60_000);
    // Exit 5 is a data error: the pod failure policy fails the Job at once instead of retrying it.
    await failBackupsOf("acme", "billing", 5);
    const kept = shape;
    apply(without("acme", "billing"));
    const result = await up();
    assert.notEqual(result.code, 0, "the deletion went ahead without its backup");
    assert.match(
      result.output,
      /acme\/billing: deletion aborted because its pre-delete backup failed: Job openclaw-acme\/billing-pre-delete-[0-9a-z]+ failed/,
    );
    const sts = await statefulSet("acme", "billing");
    assert.ok(sts !== undefined, "the StatefulSet was deleted");
    assert.ok(await kube.get("persistentvolumeclaim", "openclaw-acme", "billing-data"), "the volume is gone");
    // The fix: the backup works again; the next up takes the backup, then deletes.
    await failBackupsOf("acme", "billing", undefined);
    const retried = await upOk();
    assert.match(retried.output, /acme\/billing: pre-delete snapshot complete: backups\/acme\/billing\/pre-delete\/\d{8}T\d{6}Z/);
    assert.equal(await statefulSet("acme", "billing"), undefined, "the StatefulSet is still there");
    void kept;
  });

  it("removing an instance whose pre-delete backup fails with onBackupFailure: proceed deletes it, with a warning", async function () {
    this.timeout(15 * 60_000);
    await failBackupsOf("acme", "sales", 5);
    apply(without("acme", "sales"));
    const result = await upOk();
    assert.match(
      result.output,
      /acme\/sales: the pre-delete backup failed \(Job openclaw-acme\/sales-pre-delete-[0-9a-z]+ failed \(PodFailurePolicy: [^\n]*exit code 5[^\n]*\)\); deleting anyway because backup\.onBackupFailure is proceed/,
    );
    assert.equal(await statefulSet("acme", "sales"), undefined);
  });

  it("backups turned off and the store removed after instances exist: preview and up work, and so does removing an instance; a removed tenant keeps its namespace and claims, and comes back on them", async function () {
    this.timeout(15 * 60_000);
    apply({ ...shape, backups: "off-and-no-store" });
    const preview = await project.pulumi(["preview", "-s", STACK]);
    assert.equal(preview.code, 0, preview.output);
    await upOk();
    assert.deepEqual(await kube.list("cronjobs", "openclaw-acme"), [], "backup CronJobs are left");
    const globex = shape.tenants.globex;
    assert.ok(globex, "the shape has tenant globex");
    apply({ ...shape, tenants: { acme: shape.tenants.acme } });
    const removal = await upOk();
    assert.doesNotMatch(removal.output, /pre-delete snapshot complete/);
    // The tenant's claims are kept (persistence.orphan, the default), so is the namespace that holds them.
    const claims = Object.keys(globex)
      .map((instance) => `${instance}-data`)
      .sort();
    assert.match(removal.output, new RegExp(`namespace openclaw-globex is kept, with its claims ${claims.join(", ")}`));
    assert.deepEqual((await kube.list("persistentvolumeclaims", "openclaw-globex")).map((c) => c.metadata.name).sort(), claims);
    assert.deepEqual(await kube.list("statefulsets", "openclaw-globex"), []);
    // Putting the tenant back takes its namespace and claims up again.
    apply({ ...shape, tenants: { ...shape.tenants, globex } });
    await upOk();
    assert.equal((await statefulSet("globex", "ops"))?.status?.readyReplicas, 1);
    apply({ ...shape, tenants: { acme: shape.tenants.acme } });
    await upOk();
    // Backups back on, for the destroy below.
    apply({ ...shape, backups: "on" });
    await upOk();
    assert.equal((await kube.list("cronjobs", "openclaw-acme")).length, Object.keys(shape.tenants.acme).length);
  });

  it("pulumi destroy --run-program runs each instance's pre-delete backup and leaves only the claims it promised to keep", async function () {
    this.timeout(20 * 60_000);
    const result = await project.pulumi(["destroy", "-s", STACK, "--yes", "--skip-preview", "--run-program"], { timeoutMs: 15 * 60_000 });
    assert.equal(result.code, 0, result.output);
    for (const instance of Object.keys(shape.tenants.acme)) {
      assert.match(
        result.output,
        new RegExp(`acme/${instance}: pre-delete snapshot complete: backups/acme/${instance}/pre-delete/\\d{8}T\\d{6}Z`),
      );
    }
    const left = (
      await Promise.all(
        ["statefulsets", "cronjobs", "jobs", "secrets", "configmaps", "services", "networkpolicies"].map((kind) =>
          kube.list(kind, undefined, PART_OF),
        ),
      )
    ).flat();
    // The one-shot Jobs the hooks and the CLI made (pre-delete, pre-update, manual, doctor) stay in a kept namespace
    // for their logs, and go by themselves a week after they finished.
    const selfCleaning = (o: KubeObject) => o.kind === "Job" && typeof o.spec?.ttlSecondsAfterFinished === "number";
    assert.deepEqual(
      left.filter((o) => !selfCleaning(o)).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
      [],
    );
    // Kept: the state claims of every instance this run removed (persistence.orphan, the default), in their namespaces.
    const kept = (await kube.list("persistentvolumeclaims", undefined, PART_OF))
      .map((c) => `${c.metadata.namespace}/${c.metadata.name}`)
      .sort();
    assert.deepEqual(kept, [
      "openclaw-acme/billing-data",
      "openclaw-acme/sales-data",
      "openclaw-acme/support-data",
      "openclaw-globex/clone-data",
      "openclaw-globex/ops-data",
    ]);
    // The namespace this run removed is named with every claim it keeps (globex went in the test above).
    for (const namespace of ["openclaw-acme"]) {
      const claims = kept.filter((k) => k.startsWith(`${namespace}/`)).map((k) => k.slice(namespace.length + 1));
      assert.match(result.output, new RegExp(`namespace ${namespace} is kept, with its claims ${claims.join(", ")} `));
    }
    assert.deepEqual((await kube.list("namespaces", undefined, PART_OF)).map((n) => n.metadata.name).sort(), [
      "openclaw-acme",
      "openclaw-globex",
    ]);
    const stackResources = JSON.parse((await project.ok(["stack", "export", "-s", STACK])).stdout) as {
      deployment: { resources?: unknown[] };
    };
    assert.equal(stackResources.deployment.resources?.length ?? 0, 0, "the stack still holds resources");
  });
});
