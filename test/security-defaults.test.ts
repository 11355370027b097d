import { strict as assert } from "node:assert";
import { SecretValue } from "../scripts/lib/mock-runtime";
import { exampleStackConfig, exampleStacks, findRegistration, kubernetesObjects, minimalStack, runProgram } from "./support/stacks";

type Obj = Record<string, unknown>;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Obj)[k] : undefined), value);

/** The pod spec inside any workload kind. */
function podSpecOf(object: Obj): Obj | undefined {
  switch (object.kind) {
    case "Pod":
      return object.spec as Obj;
    case "StatefulSet":
    case "Deployment":
    case "Job":
      return get(object, "spec", "template", "spec") as Obj;
    case "CronJob":
      return get(object, "spec", "jobTemplate", "spec", "template", "spec") as Obj;
    default:
      return undefined;
  }
}

function assertRestricted(id: string, pod: Obj): void {
  assert.equal(get(pod, "securityContext", "runAsNonRoot"), true, `${id}: pod runAsNonRoot`);
  assert.equal(get(pod, "securityContext", "seccompProfile", "type"), "RuntimeDefault", `${id}: pod seccomp`);
  const containers = [...((pod.initContainers as Obj[] | undefined) ?? []), ...((pod.containers as Obj[] | undefined) ?? [])];
  assert.ok(containers.length > 0, `${id}: no containers`);
  for (const c of containers) {
    const where = `${id} container ${String(c.name)}`;
    assert.equal(get(c, "securityContext", "allowPrivilegeEscalation"), false, `${where}: allowPrivilegeEscalation`);
    assert.deepEqual(get(c, "securityContext", "capabilities", "drop"), ["ALL"], `${where}: drop ALL`);
    const uid = get(c, "securityContext", "runAsUser") ?? get(pod, "securityContext", "runAsUser");
    assert.ok(typeof uid === "number" && uid > 0, `${where}: runs as UID ${String(uid)}`);
  }
}

describe("security defaults", () => {
  for (const stack of exampleStacks()) {
    it(`${stack}: every pod is restricted, every namespace enforces restricted, every instance has a NetworkPolicy`, async () => {
      const objects = kubernetesObjects(await runProgram(exampleStackConfig(stack))) as unknown as Obj[];
      let pods = 0;
      for (const object of objects) {
        const pod = podSpecOf(object);
        if (pod === undefined) continue;
        pods++;
        assertRestricted(`${String(object.kind)} ${String(get(object, "metadata", "name"))}`, pod);
      }
      assert.ok(pods > 0);
      for (const ns of objects.filter((o) => o.kind === "Namespace")) {
        assert.equal(get(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce"), "restricted");
      }
      const policies = objects.filter((o) => o.kind === "NetworkPolicy");
      for (const sts of objects.filter((o) => o.kind === "StatefulSet")) {
        const labels = get(sts, "spec", "selector", "matchLabels") as Record<string, string>;
        const covering = policies.filter(
          (p) =>
            get(p, "metadata", "namespace") === get(sts, "metadata", "namespace") &&
            Object.entries((get(p, "spec", "podSelector", "matchLabels") as Record<string, string>) ?? {}).every(
              ([k, v]) => labels[k] === v,
            ) &&
            ((get(p, "spec", "policyTypes") as string[]) ?? []).includes("Ingress") &&
            ((get(p, "spec", "policyTypes") as string[]) ?? []).includes("Egress"),
        );
        assert.ok(covering.length > 0, `StatefulSet ${String(get(sts, "metadata", "name"))} has no NetworkPolicy`);
      }
    });
  }

  it("the app pod mounts no service account token and has a read-only root filesystem", async () => {
    const objects = kubernetesObjects(await runProgram(minimalStack())) as unknown as Obj[];
    const sts = objects.find((o) => o.kind === "StatefulSet");
    const pod = podSpecOf(sts as Obj) as Obj;
    assert.equal(pod.automountServiceAccountToken, false);
    for (const c of pod.containers as Obj[]) assert.equal(get(c, "securityContext", "readOnlyRootFilesystem"), true);
    const sa = objects.find((o) => o.kind === "ServiceAccount" && get(o, "metadata", "name") === "bot");
    assert.equal(get(sa, "automountServiceAccountToken"), false);
  });

  it("a user's init containers and sidecars get a read-only root filesystem unless they ask for a writable one", async () => {
    const user = (name: string, securityContext?: Obj) => ({
      name,
      image: "busybox:1.37",
      command: ["sh", "-c", "true"],
      ...(securityContext !== undefined ? { securityContext } : {}),
    });
    const objects = kubernetesObjects(
      await runProgram(
        minimalStack({
          initContainers: [user("seed"), user("unpack", { readOnlyRootFilesystem: false })],
          sidecars: [user("heartbeat"), user("scratchpad", { readOnlyRootFilesystem: false })],
        }),
      ),
    ) as unknown as Obj[];
    const pod = podSpecOf(objects.find((o) => o.kind === "StatefulSet") as Obj) as Obj;
    const readOnly = Object.fromEntries(
      [...(pod.initContainers as Obj[]), ...(pod.containers as Obj[])].map((c): [string, unknown] => [
        String(c.name),
        get(c, "securityContext", "readOnlyRootFilesystem"),
      ]),
    );
    assert.deepEqual(
      { seed: readOnly.seed, unpack: readOnly.unpack, heartbeat: readOnly.heartbeat, scratchpad: readOnly.scratchpad },
      { seed: true, unpack: false, heartbeat: true, scratchpad: false },
    );
  });

  it("the gateway token reaches the engine only as a secret, and the app reads it from the Secret", async () => {
    const registrations = await runProgram(minimalStack());
    const secret = findRegistration(registrations, "kubernetes:core/v1:Secret", "acme/bot-gateway-token");
    const stringData = secret.inputs.stringData;
    const token = stringData instanceof SecretValue ? (stringData.value as Obj).token : (stringData as Obj).token;
    assert.ok(stringData instanceof SecretValue || token instanceof SecretValue, "gateway token is not a secret");
    const sts = findRegistration(registrations, "kubernetes:apps/v1:StatefulSet", "acme/bot-statefulset");
    const env = get(sts.inputs, "spec", "template", "spec", "containers") as Obj[];
    const tokenEnv = (env[0]?.env as Obj[] | undefined)?.find((e) => e.name === "OPENCLAW_GATEWAY_TOKEN");
    assert.deepEqual(get(tokenEnv, "valueFrom", "secretKeyRef"), { name: "bot-gateway-token", key: "token" });
    assert.equal(get(tokenEnv, "value"), undefined);
  });
});
