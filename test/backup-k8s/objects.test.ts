import assert from "node:assert/strict";
import { restoreJobName } from "../../components/builders/backup/restore-job";
import { storeEndpoint } from "../../components/builders/backup/network-policy";
import { SecretValue } from "../../scripts/lib/mock-runtime";
import { assertValidObject } from "../support/k8s-schema";
import { kubernetesObjects, rawConfig, runProgram } from "../support/stacks";
import { backupStack, objectNamed, PASSPHRASE, podOf, type Container, type Manifest, type PodSpec } from "./fixtures";

async function render(raw: Parameters<typeof runProgram>[0]) {
  const registrations = await runProgram(raw);
  const objects = kubernetesObjects(registrations) as unknown as Manifest[];
  for (const object of objects) assertValidObject(object);
  return { registrations, objects };
}

const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e]));

/** Pod Security Admission `restricted`, field by field. */
function assertRestricted(what: string, pod: PodSpec): void {
  assert.equal(pod.securityContext?.runAsNonRoot, true, `${what}: runAsNonRoot`);
  assert.deepEqual(pod.securityContext?.seccompProfile, { type: "RuntimeDefault" }, `${what}: seccomp`);
  assert.equal(pod.securityContext?.runAsUser, 1000, `${what}: the app's UID`);
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    assert.equal(sc.allowPrivilegeEscalation, false, `${what}/${c.name}: allowPrivilegeEscalation`);
    assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, `${what}/${c.name}: capabilities`);
    assert.equal(sc.readOnlyRootFilesystem, true, `${what}/${c.name}: read-only root`);
    assert.equal(sc.runAsNonRoot, true, `${what}/${c.name}: runAsNonRoot`);
  }
  for (const v of pod.volumes) {
    const kinds = Object.keys(v).filter((k) => k !== "name");
    assert.ok(
      kinds.every((k) => ["persistentVolumeClaim", "configMap", "emptyDir", "secret", "projected"].includes(k)),
      `${what}: volume ${v.name} is ${kinds.join()}`,
    );
  }
}

describe("backup Kubernetes objects", () => {
  it("a CronJob per instance: Forbid, deadlines, history, spread schedule, time zone", async () => {
    const { objects } = await render(
      backupStack({ schedule: "6h", timeZone: "Europe/Berlin", backoffLimit: 4, failedJobsHistoryLimit: 5 }),
    );
    const cron = objectNamed(objects, "CronJob", "bot-backup");
    const spec = cron.spec as Record<string, unknown> & { jobTemplate: { spec: Record<string, unknown> } };
    assert.match(String(spec.schedule), /^\d+ [0-5]-23\/6 \* \* \*$/);
    assert.equal(spec.timeZone, "Europe/Berlin");
    assert.equal(spec.concurrencyPolicy, "Forbid");
    assert.equal(spec.suspend, false);
    assert.equal(spec.startingDeadlineSeconds, 600);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 5);
    assert.equal(spec.jobTemplate.spec.backoffLimit, 4);
    assert.equal(spec.jobTemplate.spec.activeDeadlineSeconds, 3600);
    assert.ok(!("ttlSecondsAfterFinished" in spec.jobTemplate.spec));
    // The other tenant's instance has its own, at another time of day.
    const other = objectNamed(objects, "CronJob", "ops-backup");
    assert.equal(other.metadata.namespace, "openclaw-globex");
  });

  it("suspends the schedule while the instance is scaled to zero", async () => {
    const { objects } = await render(backupStack({}, { instance: { replicas: 0 } }));
    assert.equal((objectNamed(objects, "CronJob", "bot-backup").spec as { suspend: boolean }).suspend, true);
  });

  it("backup pods: restricted, the backup ServiceAccount, read-only state, next to the instance pod", async () => {
    const { objects } = await render(backupStack());
    const pod = podOf(objectNamed(objects, "CronJob", "bot-backup"));
    assertRestricted("backup pod", pod);
    assert.equal(pod.serviceAccountName, "bot-backup");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.restartPolicy, "Never");
    const affinity = pod.affinity as {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { labelSelector: { matchLabels: Record<string, string> }; topologyKey: string }[];
      };
    };
    const [term] = affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    assert.ok(term, "the backup pod has a required pod-affinity term");
    assert.equal(term.topologyKey, "kubernetes.io/hostname");
    const sts = objectNamed(objects, "StatefulSet", "bot");
    assert.deepEqual(
      term.labelSelector.matchLabels,
      (sts.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
    );

    const [engine] = pod.containers;
    assert.ok(engine, "the backup pod has a container");
    assert.match(engine.image, /^docker\.io\/rclone\/rclone@sha256:[0-9a-f]{64}$/);
    assert.deepEqual(engine.args, ["backup"]);
    const state = engine.volumeMounts?.find((m) => m.name === "source-state");
    assert.equal(state?.readOnly, true, "a backup cannot write to the state volume");
    assert.deepEqual(pod.volumes.find((v) => v.name === "source-state")?.persistentVolumeClaim, { claimName: "bot-data" });
    const env = envOf(engine);
    assert.equal(env.get("OCB_KIND")?.value, "periodic");
    assert.equal(env.get("OCB_TENANT")?.value, "acme");
    assert.equal(env.get("OCB_INSTANCE")?.value, "bot");
    assert.equal(env.get("OCB_SOURCES")?.value, "state=/var/lib/openclaw-backup/sources/state");
    assert.deepEqual(env.get("OCB_CRYPT_PASSWORD")?.valueFrom, { secretKeyRef: { name: "bot-backup-passphrase", key: "passphrase" } });
    for (const e of engine.env ?? []) assert.ok(!(e.value ?? "").includes(PASSPHRASE), `${e.name} carries the passphrase inline`);

    const [init] = pod.initContainers ?? [];
    assert.ok(init, "the backup pod has an init container");
    assert.equal(init.name, "sqlite-snapshot");
    assert.equal(init.image, "ghcr.io/openclaw/openclaw:2026.9.6", "SQLite is read by the app's own image");
    assert.equal(envOf(init).get("OCB_SQLITE_STAGING")?.value, envOf(engine).get("OCB_SQLITE_STAGING")?.value);

    // Backup pods are not the gateway: the Service and the StatefulSet must not select them.
    const service = objectNamed(objects, "Service", "bot").spec as { selector: Record<string, string> };
    const labels = (
      objectNamed(objects, "CronJob", "bot-backup").spec as {
        jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } };
      }
    ).jobTemplate.spec.template.metadata.labels;
    assert.ok(!Object.entries(service.selector).every(([k, v]) => labels[k] === v), "the gateway Service would select backup pods");
  });

  it("backup and restore pods go where the instance may go: its node selector, tolerations, node affinity and pull secrets, not its pod (anti-)affinity", async () => {
    const toleration = { key: "dedicated", operator: "Equal", value: "openclaw", effect: "NoSchedule" };
    const nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-1a"] }] }],
      },
    };
    const podAntiAffinity = {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 10,
          podAffinityTerm: {
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "openclaw" } },
            topologyKey: "kubernetes.io/hostname",
          },
        },
      ],
    };
    const instance = {
      image: { tag: "2026.9.6", pullSecrets: ["mirror-pull"] },
      availability: { nodeSelector: { pool: "openclaw" }, tolerations: [toleration], affinity: { nodeAffinity, podAntiAffinity } },
    };
    const { objects } = await render(backupStack({ restoreFrom: "backups/acme/bot/periodic/20260101T000000Z" }, { instance }));
    const pods = {
      schedule: podOf(objectNamed(objects, "CronJob", "bot-backup")),
      restore: podOf(
        objects.find((o) => o.kind === "Job" && (o.metadata.labels ?? {})["app.kubernetes.io/component"] === "restore") ??
          assert.fail("no restore Job"),
      ),
    };
    for (const [what, pod] of Object.entries(pods)) {
      assert.deepEqual(pod.nodeSelector, { pool: "openclaw" }, `${what}: nodeSelector`);
      assert.deepEqual(pod.tolerations, [toleration], `${what}: tolerations`);
      assert.deepEqual(pod.imagePullSecrets, [{ name: "mirror-pull" }], `${what}: imagePullSecrets`);
      const affinity = pod.affinity as Record<string, unknown>;
      assert.deepEqual(affinity.nodeAffinity, nodeAffinity, `${what}: node affinity`);
      assert.equal(affinity.podAntiAffinity, undefined, `${what}: the instance's pod anti-affinity is about instance pods`);
      assert.ok(affinity.podAffinity !== undefined, `${what}: still beside the instance pod`);
    }
    // An instance with no placement of its own: nothing added.
    const plain = podOf(objectNamed((await render(backupStack())).objects, "CronJob", "bot-backup"));
    assert.deepEqual(
      [plain.nodeSelector, plain.tolerations, plain.imagePullSecrets, (plain.affinity as Record<string, unknown>).nodeAffinity],
      [undefined, undefined, undefined, undefined],
    );
  });

  it("keeps the passphrase a Pulumi secret, in a Secret of its own", async () => {
    const raw = backupStack({ encryption: { passphrase: { secretRef: "backup-passphrase" }, salt: { secretRef: "backup-salt" } } });
    // A salt of its own: the fleet's store key is never usable from a tenant's block (issue 25).
    (raw.values.secrets as Record<string, string>)["backup-salt"] = "pepper";
    const { registrations, objects } = await render(raw);
    const secret = registrations.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as { name: string }).name === "bot-backup-passphrase",
    );
    assert.ok(secret !== undefined);
    const data = secret.inputs.stringData;
    assert.ok(data instanceof SecretValue, "the passphrase reaches the engine as a secret");
    assert.deepEqual(Object.keys(data.value as object).sort(), ["passphrase", "salt"]);
    const engine = podOf(objectNamed(objects, "CronJob", "bot-backup")).containers[0];
    assert.ok(engine, "the backup CronJob has a container");
    assert.deepEqual(envOf(engine).get("OCB_CRYPT_PASSWORD2")?.valueFrom, { secretKeyRef: { name: "bot-backup-passphrase", key: "salt" } });
  });

  it("no encryption: no passphrase Secret, no passphrase env", async () => {
    const raw = backupStack();
    delete (raw.values.defaults as Record<string, unknown>).backup;
    const { objects } = await render(raw);
    assert.equal(objects.filter((o) => o.kind === "Secret" && o.metadata.name === "bot-backup-passphrase").length, 0);
    const [container] = podOf(objectNamed(objects, "CronJob", "bot-backup")).containers;
    assert.ok(container, "the backup CronJob has a container");
    assert.equal(envOf(container).get("OCB_CRYPT_PASSWORD"), undefined);
  });

  it("a restore Job named by its source: same source same Job, new source new Job, no TTL", async () => {
    const first = await render(backupStack({ restoreFrom: { instance: "bot", kind: "periodic" } }));
    const again = await render(backupStack({ restoreFrom: "acme/bot/periodic/latest" }));
    const other = await render(backupStack({ restoreFrom: "acme/bot/periodic/20261122T035012Z" }));
    const jobs = (r: { objects: Manifest[] }) => r.objects.filter((o) => o.kind === "Job").map((o) => o.metadata.name);
    assert.deepEqual(jobs(first), [restoreJobName("bot", "acme/bot/periodic/latest")]);
    assert.deepEqual(jobs(again), jobs(first), "the same source, written another way, is the same Job");
    assert.notDeepEqual(jobs(other), jobs(first));
    const [jobName] = jobs(first);
    assert.match(jobName ?? "", /^bot-restore-[0-9a-f]{10}$/);
    assert.ok(jobName !== undefined);

    const job = objectNamed(first.objects, "Job", jobName);
    const spec = job.spec as Record<string, unknown>;
    assert.ok(!("ttlSecondsAfterFinished" in spec), "a Job that disappears would be re-created and restore again");
    // Its first failure fails it for a reason Pulumi's Kubernetes provider reports (BackoffLimitExceeded); a FailJob
    // rule's reason would leave `pulumi up` waiting out the timeout. The next `up` is the retry.
    assert.equal(spec.backoffLimit, 0);
    assert.deepEqual(spec.podFailurePolicy, {
      rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }],
    });
    assert.equal(job.metadata.annotations?.["openclaw.io/restore-from"], "acme/bot/periodic/latest");
    // After a failure the next `pulumi up` replaces the Job (a new attempt) instead of waiting on it again.
    assert.equal(job.metadata.annotations?.["pulumi.com/replaceUnready"], "true");
    const pod = podOf(job);
    assertRestricted("restore pod", pod);
    assert.equal(pod.initContainers, undefined);
    const [engine] = pod.containers;
    assert.ok(engine, "the restore pod has a container");
    assert.deepEqual(engine.args, ["restore"]);
    const env = envOf(engine);
    assert.equal(env.get("OCB_RESTORE_FROM")?.value, "acme/bot/periodic/latest");
    assert.equal(env.get("OCB_RESTORE_UID")?.value, "1000");
    assert.equal(env.get("OCB_RESTORE_GID")?.value, "1000");
    assert.equal(engine.volumeMounts?.find((m) => m.name === "source-state")?.readOnly, undefined, "a restore writes the volume");
    // The instance pod does not run yet: its node is preferred, not required.
    const affinity = pod.affinity as { podAffinity: Record<string, unknown> };
    assert.ok("preferredDuringSchedulingIgnoredDuringExecution" in affinity.podAffinity);
    assert.ok(!("requiredDuringSchedulingIgnoredDuringExecution" in affinity.podAffinity));

    assert.equal(
      jobs(await render(backupStack({ restoreFrom: { plain: "openclaw-acme/bot/2026-11-20T10-00-00Z" } })))[0],
      restoreJobName("bot", "plain:openclaw-acme/bot/2026-11-20T10-00-00Z"),
    );
    assert.deepEqual(jobs(await render(backupStack())), [], "no restoreFrom, no Job");
  });

  it("registers the restore after the volume and before the StatefulSet, the schedule after the restore", async () => {
    const { registrations } = await render(backupStack({ restoreFrom: { instance: "bot" } }));
    const index = (type: string, name: string) =>
      registrations.findIndex((r) => r.type === type && (r.inputs.metadata as { name?: string } | undefined)?.name === name);
    const claim = index("kubernetes:core/v1:PersistentVolumeClaim", "bot-data");
    const restore = index("kubernetes:batch/v1:Job", restoreJobName("bot", "acme/bot/latest"));
    const sts = index("kubernetes:apps/v1:StatefulSet", "bot");
    const cron = index("kubernetes:batch/v1:CronJob", "bot-backup");
    assert.ok(
      claim >= 0 && restore > claim && sts > restore && cron > restore,
      `order: claim ${claim}, restore ${restore}, statefulset ${sts}, cronjob ${cron}`,
    );
  });

  it("the engine ConfigMap carries every engine script", async () => {
    const { objects } = await render(backupStack());
    const engines = objects.filter((o) => o.kind === "ConfigMap" && o.metadata.name === "openclaw-backup-engine");
    assert.deepEqual(engines.map((o) => o.metadata.namespace).sort(), ["openclaw-acme", "openclaw-globex"], "one per tenant namespace");
    const cm = engines.find((o) => o.metadata.namespace === "openclaw-acme") as Manifest;
    const data = cm.data as Record<string, string>;
    for (const file of ["openclaw-backup.sh", "lib.sh", "backup.sh", "restore.sh", "prune.sh", "sqlite-snapshot.mjs"])
      assert.ok((data[file]?.length ?? 0) > 0, file);
    assert.match(cm.metadata.annotations?.["openclaw.io/engine-sha256"] ?? "", /^[0-9a-f]{64}$/);
    const volume = podOf(objectNamed(objects, "CronJob", "bot-backup")).volumes.find((v) => v.name === "engine");
    assert.equal(volume?.configMap?.name, "openclaw-backup-engine");
  });

  it("a NetworkPolicy lets backup pods reach DNS and the store only", async () => {
    const { objects } = await render(backupStack());
    const policy = objectNamed(objects, "NetworkPolicy", "bot-backup");
    const spec = policy.spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      ingress?: unknown[];
      egress: { to: Record<string, unknown>[]; ports: { port: number; protocol: string }[] }[];
    };
    // Ingress in policyTypes with no ingress rules: nothing may connect.
    assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
    assert.equal(spec.ingress, undefined);
    const podLabels = (
      objectNamed(objects, "CronJob", "bot-backup").spec as {
        jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } };
      }
    ).jobTemplate.spec.template.metadata.labels;
    assert.ok(
      Object.entries(spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v),
      "the policy selects the backup pods",
    );
    assert.deepEqual(
      spec.egress.map((r) => r.ports.map((p) => `${p.protocol}/${p.port}`)),
      [["UDP/53", "TCP/53"], ["TCP/9000"]],
    );
    assert.deepEqual(spec.egress[1]?.to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "minio" } } }]);
  });

  it("the store's port and peers follow its endpoint", () => {
    assert.deepEqual(storeEndpoint(undefined), {
      port: 443,
      peers: [
        { ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } },
        { ipBlock: { cidr: "::/0", except: ["fe80::/10", "fd00:ec2::/32"] } },
      ],
    });
    assert.equal(storeEndpoint("https://acct.r2.cloudflarestorage.com").port, 443);
    assert.equal(storeEndpoint("http://minio.example.com").port, 80);
    assert.deepEqual(storeEndpoint("http://10.1.2.3:9000"), { port: 9000, peers: [{ ipBlock: { cidr: "10.1.2.3/32" } }] });
    assert.deepEqual(storeEndpoint("http://[fd00::5]:9000").peers, [{ ipBlock: { cidr: "fd00::5/128" } }]);
  });

  it("on AWS: 443 anywhere (S3 and STS), plus the Pod Identity agent in podIdentity mode", async () => {
    const aws = (mode?: string) =>
      rawConfig({
        cluster: {
          kubernetes: { renderYamlToDirectory: "out" },
          eks: {
            clusterName: "c",
            clusterArn: "arn:aws:eks:eu-west-1:111122223333:cluster/c",
            oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X",
            oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/X",
          },
        },
        aws: { region: "eu-west-1" },
        backup: { store: { kind: "aws" }, ...(mode !== undefined ? { identity: { mode } } : {}) },
        defaults: { image: { tag: "2026.9.6" } },
        tenants: { acme: { instances: { bot: {} } } },
      });
    const ports = async (mode?: string) => {
      const { objects } = await render(aws(mode));
      const spec = objectNamed(objects, "NetworkPolicy", "bot-backup").spec as { egress: { ports: { port: number }[] }[] };
      return spec.egress.map((r) => r.ports.map((p) => p.port).join("+"));
    };
    assert.deepEqual(await ports(), ["53+53", "443"]);
    assert.deepEqual(await ports("podIdentity"), ["53+53", "443", "80"]);
  });

  it("no persistence: nothing to back up, no backup pods", async () => {
    const { objects } = await render(backupStack({}, { instance: { persistence: { enabled: false } } }));
    assert.equal(objects.filter((o) => o.kind === "CronJob" && o.metadata.namespace === "openclaw-acme").length, 0);
  });
});
