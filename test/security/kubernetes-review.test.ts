/**
 * The Kubernetes review of the rendered stacks (issue 16): bounded scratch
 * space, a pinned Pod Security version, RBAC only with a token, a headless
 * governing Service, PDBs that protect something, and the engine scripts
 * once per namespace. Checked on every example stack and on an instance with
 * every feature on.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { POD_SECURITY_VERSION } from "../../components/builders/tenant/namespace";
import { PINNED } from "../instance/support";
import { exampleStackConfig, exampleStacks, kubernetesObjects, rawConfig, runProgram } from "../support/stacks";
import { backupStack } from "../backup-k8s/fixtures";

type Obj = Record<string, unknown>;
const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Obj)[k] : undefined), value);
const arr = (value: unknown, path: string): Obj[] => (Array.isArray(get(value, path)) ? (get(value, path) as Obj[]) : []);

function podSpecOf(object: Obj): Obj | undefined {
  if (object.kind === "StatefulSet" || object.kind === "Job") return get(object, "spec.template.spec") as Obj;
  if (object.kind === "CronJob") return get(object, "spec.jobTemplate.spec.template.spec") as Obj;
  return undefined;
}

/** Every feature that adds scratch volumes, on one instance, with backups. */
function everything(): ReturnType<typeof rawConfig> {
  const raw = backupStack(
    {},
    {
      instance: {
        persistence: { enabled: true },
        workspaceVolume: { enabled: true },
        chromium: { enabled: true, image: PINNED },
        tailscale: { enabled: true, image: PINNED, authKeySecretRef: { name: "ts" }, authSSO: true },
        ollama: { enabled: true, image: PINNED },
        webTerminal: { enabled: true, image: PINNED, credential: { secretRef: { name: "tty" } } },
        observability: { metrics: { enabled: true, collectorImage: PINNED } },
      },
    },
  );
  return raw;
}

async function stacks(): Promise<[string, Obj[]][]> {
  const out: [string, Obj[]][] = [];
  for (const stack of exampleStacks()) out.push([stack, kubernetesObjects(await runProgram(exampleStackConfig(stack)))]);
  out.push(["every feature", kubernetesObjects(await runProgram(everything()))]);
  out.push([
    "no persistence",
    kubernetesObjects(
      await runProgram(
        rawConfig({
          cluster: { kubernetes: { renderYamlToDirectory: "out" } },
          backup: { enabled: false },
          tenants: { acme: { instances: { bot: { image: { tag: "2026.11.1" }, persistence: { enabled: false } } } } },
        }),
      ),
    ),
  ]);
  return out;
}

describe("Kubernetes review of the rendered stacks", function () {
  this.timeout(300_000);
  let rendered: [string, Obj[]][];
  before(async () => {
    rendered = await stacks();
  });

  it("every emptyDir has a sizeLimit, and every pod requests ephemeral storage", () => {
    let pods = 0;
    for (const [stack, objects] of rendered) {
      for (const object of objects) {
        const pod = podSpecOf(object);
        if (pod === undefined) continue;
        pods++;
        const id = `${stack}: ${String(object.kind)} ${String(get(object, "metadata.name"))}`;
        for (const volume of arr(pod, "volumes").filter((v) => v.emptyDir !== undefined)) {
          assert.ok(typeof get(volume, "emptyDir.sizeLimit") === "string", `${id}: emptyDir ${String(volume.name)} has no sizeLimit`);
        }
        const containers = [...arr(pod, "initContainers"), ...arr(pod, "containers")];
        assert.ok(
          containers.some(
            (c) => get(c, "resources.requests") !== undefined && (get(c, "resources.requests") as Obj)["ephemeral-storage"] !== undefined,
          ),
          `${id}: no container requests ephemeral-storage`,
        );
      }
    }
    assert.ok(pods > 10, `only ${pods} pods checked`);
  });

  it("namespaces pin one Pod Security version for enforce, audit and warn", () => {
    assert.notEqual(POD_SECURITY_VERSION, "latest");
    for (const [stack, objects] of rendered) {
      for (const ns of objects.filter((o) => o.kind === "Namespace")) {
        const labels = get(ns, "metadata.labels") as Record<string, string>;
        for (const mode of ["enforce", "audit", "warn"]) {
          assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", `${stack}: ${mode}`);
          assert.equal(labels[`pod-security.kubernetes.io/${mode}-version`], POD_SECURITY_VERSION, `${stack}: ${mode}-version`);
        }
      }
    }
  });

  it("a Role and RoleBinding exist exactly where the pod mounts a ServiceAccount token", async () => {
    const withApi = rawConfig({
      cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: ["10.0.0.10/32"] } },
      backup: { enabled: false },
      defaults: { image: { tag: "2026.11.1" } },
      tenants: {
        acme: {
          instances: {
            bot: {
              rbac: { additionalRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
              networkPolicy: { allowAPIServer: true },
            },
            quiet: {},
          },
        },
      },
    });
    for (const [stack, objects] of [...rendered, ["API rights", kubernetesObjects(await runProgram(withApi))] as [string, Obj[]]]) {
      for (const sts of objects.filter((o) => o.kind === "StatefulSet")) {
        const name = get(sts, "metadata.name");
        const ns = get(sts, "metadata.namespace");
        const token = get(sts, "spec.template.spec.automountServiceAccountToken") === true;
        for (const kind of ["Role", "RoleBinding"]) {
          const found = objects.filter(
            (o) => o.kind === kind && get(o, "metadata.name") === name && get(o, "metadata.namespace") === ns,
          ).length;
          assert.equal(found, token ? 1 : 0, `${stack}: ${String(ns)}/${String(name)} ${kind} with token=${token}`);
        }
      }
    }
  });

  it("every StatefulSet's serviceName is a headless Service selecting its pods", () => {
    for (const [stack, objects] of rendered) {
      for (const sts of objects.filter((o) => o.kind === "StatefulSet")) {
        const ns = get(sts, "metadata.namespace");
        const service = objects.find(
          (o) => o.kind === "Service" && get(o, "metadata.namespace") === ns && get(o, "metadata.name") === get(sts, "spec.serviceName"),
        );
        assert.ok(service, `${stack}: no Service ${String(get(sts, "spec.serviceName"))}`);
        assert.equal(get(service, "spec.clusterIP"), "None", `${stack}: ${String(get(service, "metadata.name"))} is not headless`);
        assert.deepEqual(get(service, "spec.selector"), get(sts, "spec.selector.matchLabels"));
      }
    }
  });

  it("a PodDisruptionBudget only where it leaves pods running during a drain", () => {
    for (const [stack, objects] of rendered) {
      for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget")) {
        const ns = get(pdb, "metadata.namespace");
        const hpa = objects.find(
          (o) =>
            o.kind === "HorizontalPodAutoscaler" &&
            get(o, "metadata.namespace") === ns &&
            get(o, "metadata.name") === get(pdb, "metadata.name"),
        );
        const sts = objects.find(
          (o) => o.kind === "StatefulSet" && get(o, "metadata.namespace") === ns && get(o, "metadata.name") === get(pdb, "metadata.name"),
        );
        const pods = Number(get(hpa, "spec.minReplicas") ?? get(sts, "spec.replicas") ?? 1);
        const max = Number(get(pdb, "spec.maxUnavailable"));
        assert.ok(max > 0 && pods > max, `${stack}: PDB ${String(get(pdb, "metadata.name"))} maxUnavailable ${max} for ${pods} pod(s)`);
      }
    }
  });

  it("pulumi.com/patchForce only on StatefulSets the lifecycle hooks scale (instances with backups)", () => {
    for (const [stack, objects] of rendered) {
      for (const object of objects) {
        const annotations = (get(object, "metadata.annotations") ?? {}) as Record<string, string>;
        if (annotations["pulumi.com/patchForce"] === undefined) continue;
        assert.equal(object.kind, "StatefulSet", `${stack}: ${String(object.kind)} ${String(get(object, "metadata.name"))}`);
        assert.ok(
          annotations["openclaw.io/pre-delete-backup"] !== undefined,
          `${stack}: ${String(get(object, "metadata.name"))} has patchForce but no backups`,
        );
      }
    }
  });

  it("the engine scripts are stored once per namespace, whatever the number of instances", async () => {
    const fleet = (n: number) => {
      const raw = backupStack();
      const tenants = raw.values.tenants as { acme: { instances: Record<string, unknown> } };
      const acme = tenants.acme.instances;
      for (let i = 2; i <= n; i++) acme[`bot${i}`] = {};
      return raw;
    };
    const engineBytes = async (n: number) => {
      const objects = kubernetesObjects(await runProgram(fleet(n))) as unknown as Obj[];
      const engines = objects.filter(
        (o) =>
          o.kind === "ConfigMap" && get(o, "metadata.namespace") === "openclaw-acme" && JSON.stringify(o).includes("openclaw-backup.sh"),
      );
      return { count: engines.length, bytes: engines.reduce((sum, o) => sum + Buffer.byteLength(stringify(o)), 0) };
    };
    const one = await engineBytes(1);
    const ten = await engineBytes(10);
    assert.equal(one.count, 1);
    assert.equal(ten.count, 1, "ten instances share the namespace's one engine ConfigMap");
    assert.equal(ten.bytes, one.bytes);
    assert.ok(one.bytes > 50_000, `the engine is ${one.bytes} bytes`);
  });
});

describe("backup scratch bounds", () => {
  it("reads every quantity form config accepts, in GiB", async () => {
    const { quantityGi } = await import("../../components/builders/backup/scratch");
    assert.equal(quantityGi("10Gi"), 10);
    assert.equal(quantityGi("512Mi"), 0.5);
    assert.equal(quantityGi("1Ti"), 1024);
    assert.equal(quantityGi("1G"), 1e9 / 2 ** 30);
    assert.equal(quantityGi("2e9"), 2e9 / 2 ** 30);
    assert.equal(quantityGi(String(2 ** 31)), 2);
  });
});
