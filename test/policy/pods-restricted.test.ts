import { strict as assert } from "node:assert";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../../components/builders/kube/pod-security";
import { podsRestricted, restrictedPodProblems } from "../../policy/rules/pod-security";
import { evaluate, registration } from "./harness";

const pod = (container: Record<string, unknown> = {}, podExtra: Record<string, unknown> = {}) => ({
  securityContext: restrictedPodSecurityContext(),
  containers: [{ name: "app", image: "busybox:1.37", securityContext: { ...restrictedContainerSecurityContext(), ...container } }],
  ...podExtra,
});

describe("policy pods-restricted", () => {
  it("accepts the program's own restricted contexts", () => {
    assert.deepEqual(restrictedPodProblems(pod()), []);
  });

  it("accepts runAsNonRoot and seccomp set only on the pod", () => {
    const spec = pod({ runAsNonRoot: undefined, seccompProfile: undefined });
    assert.deepEqual(restrictedPodProblems(JSON.parse(JSON.stringify(spec)) as Record<string, unknown>), []);
  });

  const cases: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    ["runAsNonRoot false on the container", { runAsNonRoot: false }, {}, /runAsNonRoot: true/],
    [
      "runAsNonRoot nowhere",
      { runAsNonRoot: undefined },
      { securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
      /runAsNonRoot: true/,
    ],
    ["runAsUser 0", { runAsUser: 0 }, {}, /runAsUser must not be 0/],
    ["privileged", { privileged: true }, {}, /privileged must not be true/],
    ["allowPrivilegeEscalation unset", { allowPrivilegeEscalation: undefined }, {}, /allowPrivilegeEscalation: false/],
    ["capabilities not dropped", { capabilities: { drop: ["NET_RAW"] } }, {}, /capabilities\.drop: \[ALL\]/],
    ["SYS_ADMIN added", { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }, {}, /not SYS_ADMIN/],
    ["seccomp Unconfined", { seccompProfile: { type: "Unconfined" } }, {}, /seccompProfile\.type: RuntimeDefault/],
    ["host network", {}, { hostNetwork: true }, /spec\.hostNetwork must not be true/],
    [
      "a hostPath volume",
      {},
      { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] },
      /volume "docker" must not be a hostPath/,
    ],
  ];
  for (const [what, container, podExtra, expected] of cases) {
    it(`rejects ${what}`, () => {
      const problems = restrictedPodProblems(JSON.parse(JSON.stringify(pod(container, podExtra))) as Record<string, unknown>);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected} in:\n${problems.join("\n")}`,
      );
    });
  }

  it("checks init containers, and finds the pod template of every workload kind", async () => {
    const bad = { name: "init", image: "busybox:1.37", securityContext: { runAsNonRoot: true } };
    const spec = { ...pod(), initContainers: [bad] };
    const workloads = [
      registration("kubernetes:core/v1:Pod", "p", { kind: "Pod", metadata: { name: "p" }, spec }),
      registration("kubernetes:apps/v1:Deployment", "d", { kind: "Deployment", metadata: { name: "d" }, spec: { template: { spec } } }),
      registration("kubernetes:batch/v1:Job", "j", { kind: "Job", metadata: { name: "j" }, spec: { template: { spec } } }),
      registration("kubernetes:batch/v1:CronJob", "c", {
        kind: "CronJob",
        metadata: { name: "c" },
        spec: { jobTemplate: { spec: { template: { spec } } } },
      }),
    ];
    for (const workload of workloads) {
      const violations = await evaluate(podsRestricted, [workload]);
      assert.ok(
        violations.some((v) => /initContainer "init": set securityContext\.allowPrivilegeEscalation: false/.test(v.message)),
        `${workload.type}: ${JSON.stringify(violations)}`,
      );
    }
  });

  it("ignores objects without pods", async () => {
    assert.deepEqual(
      await evaluate(podsRestricted, [registration("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", data: {} })]),
      [],
    );
  });
});
