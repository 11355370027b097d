/**
 * The config paths from one instance to another's identity or data (issue 16,
 * items 1-3): each is refused with its full path and a fix, and the narrow
 * forms that stay allowed are accepted.
 */
import assert from "node:assert/strict";
import { ruleMatches } from "../../components/config/isolation/rbac-rules";
import { backupStack } from "../backup-k8s/fixtures";
import { configProblems as problems } from "../support/stacks";
import { assertAccepted, assertRefused, twoInstances } from "./support";

const BOT = "tenants.acme.instances.bot";
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]) => ({
  apiGroups,
  resources,
  verbs,
  ...(resourceNames ? { resourceNames } : {}),
});
/** API rights need the opt-in egress to the API server, and its address. */
const API_SERVER = { cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: ["10.0.0.10/32"] } } };
const withRules = (...rules: ReturnType<typeof rule>[]) =>
  twoInstances({ rbac: { additionalRules: rules }, networkPolicy: { allowAPIServer: true } }, API_SERVER);

describe("isolation: the app never runs as another identity (rbac.serviceAccountName)", () => {
  for (const name of ["support-backup", "bot-backup", "someone-backup"]) {
    it(`refuses the backup ServiceAccount name "${name}"`, () => {
      assertRefused(
        twoInstances({ rbac: { createServiceAccount: false, serviceAccountName: name } }),
        `${BOT}.rbac.serviceAccountName`,
        "backup ServiceAccount name",
      );
    });
  }

  it("refuses another instance's app ServiceAccount, and accepts one of the user's own", () => {
    assertRefused(
      twoInstances({ rbac: { createServiceAccount: false, serviceAccountName: "support" } }),
      `${BOT}.rbac.serviceAccountName`,
      `instance "support"'s ServiceAccount`,
    );
    assertAccepted(twoInstances({ rbac: { createServiceAccount: false, serviceAccountName: "bot-runner" } }));
  });
});

describe("isolation: rbac.additionalRules cannot mint or borrow an identity, read Secrets or touch program objects", () => {
  const refused: [string, ReturnType<typeof rule>, string][] = [
    ["get secrets", rule([""], ["secrets"], ["get"]), "Secrets of the tenant namespace hold the backup store keys"],
    ["list secrets in every group", rule(["*"], ["secrets"], ["list"]), "Secrets of the tenant namespace"],
    ["get one named Secret", rule([""], ["secrets"], ["get"], ["my-own"]), "Secrets of the tenant namespace"],
    ["create serviceaccounts/token", rule([""], ["serviceaccounts/token"], ["create"]), "mints a token"],
    ["create */token", rule([""], ["*/token"], ["create"]), "mints a token"],
    ["create pods", rule([""], ["pods"], ["create"]), "starts pods"],
    ["create pods/exec", rule([""], ["pods/exec"], ["create"]), "runs commands in any pod"],
    ["get pods/exec (websocket exec)", rule([""], ["pods/exec"], ["get"]), "runs commands in any pod"],
    ["get */portforward", rule([""], ["*/portforward"], ["get"]), "past its NetworkPolicy"],
    ["get services/proxy", rule([""], ["services/proxy"], ["get"]), "past its NetworkPolicy"],
    ["patch pods/ephemeralcontainers", rule([""], ["pods/ephemeralcontainers"], ["patch"]), "adds containers"],
    ["create jobs", rule(["batch"], ["jobs"], ["create"]), "starts pods"],
    ["patch a named cronjob", rule(["batch"], ["cronjobs"], ["patch"], ["support-backup"]), "starts pods"],
    ["create deployments", rule(["apps"], ["deployments"], ["create"]), "starts pods"],
    ["update statefulsets in every group", rule(["*"], ["statefulsets"], ["update"], ["mine"]), "starts pods"],
    ["create rolebindings", rule(["rbac.authorization.k8s.io"], ["rolebindings"], ["create"]), "binds Roles"],
    ["create networkpolicies", rule(["networking.k8s.io"], ["networkpolicies"], ["create"]), "can reach other instances"],
    ["create ingresses", rule(["networking.k8s.io"], ["ingresses"], ["create"]), "can reach other instances"],
    ["create persistentvolumeclaims", rule([""], ["persistentvolumeclaims"], ["create"]), "volume cloned from theirs"],
    ["create configmaps in every group", rule(["*"], ["configmaps"], ["create"]), "name the groups"],
    ["patch configmaps without names", rule([""], ["configmaps"], ["patch"]), "without resourceNames"],
    ["patch the backup engine ConfigMap", rule([""], ["configmaps"], ["patch"], ["support-backup-engine"]), `a name of instance "support"`],
    ["update its own ConfigMap", rule([""], ["configmaps"], ["update"], ["bot-config"]), `a name of instance "bot"`],
    ["delete a sibling's volume", rule([""], ["persistentvolumeclaims"], ["delete"], ["support-data"]), `a name of instance "support"`],
    ["delete the namespace quota", rule([""], ["resourcequotas"], ["delete"], ["openclaw-quota"]), "the tenant namespace's own objects"],
    ["read pod logs", rule([""], ["pods/log"], ["get"]), "carry the instances' conversations"],
    ["read a sibling's pod logs", rule([""], ["pods/log"], ["get"], ["support-0"]), `a name of instance "support"`],
  ];
  for (const [what, r, fragment] of refused) {
    it(`refuses ${what}`, () => assertRefused(withRules(r), `${BOT}.rbac.additionalRules[0]`, fragment));
  }

  it("accepts reads, the creatable kinds, and changes to objects named outside the program's names", () => {
    assertAccepted(
      withRules(
        rule([""], ["pods", "configmaps", "services", "events"], ["get", "list", "watch"]),
        rule(["apps", "batch"], ["statefulsets", "cronjobs"], ["get", "list"]),
        rule([""], ["configmaps", "events"], ["create"]),
        rule(["coordination.k8s.io"], ["leases"], ["create", "get", "update"], ["agent-lock"]),
        rule([""], ["configmaps"], ["patch", "delete"], ["agent-scratch"]),
        rule([""], ["pods/log"], ["get"], ["my-job-pod"]),
      ),
    );
  });

  it("reports every refused rule at its own index, and several reasons of one rule", () => {
    const found = problems(withRules(rule([""], ["pods"], ["get"]), rule([""], ["secrets", "pods"], ["create"])));
    const second = found.filter((p) => p.startsWith(`${BOT}.rbac.additionalRules[1]: `));
    assert.ok(second.some((p) => p.includes("Secrets")) && second.some((p) => p.includes("starts pods")), second.join("\n"));
    assert.ok(!found.some((p) => p.startsWith(`${BOT}.rbac.additionalRules[0]: `)), found.join("\n"));
  });

  it("matches rules as the RBAC authorizer does: * groups, */subresource, exact names only", () => {
    assert.equal(ruleMatches(rule(["*"], ["pods"], ["get"]), "", "pods", "get"), true);
    assert.equal(ruleMatches(rule([""], ["*/exec"], ["create"]), "", "pods/exec", "create"), true);
    assert.equal(ruleMatches(rule([""], ["pods"], ["create"]), "", "pods/exec", "create"), false);
    assert.equal(ruleMatches(rule(["apps"], ["pods"], ["create"]), "", "pods", "create"), false);
    assert.equal(ruleMatches(rule([""], ["pods"], ["get"]), "", "pods", "create"), false);
  });
});

describe("isolation: a plain restore reads one instance's folder, never a tenant's or a collection", () => {
  const PLAIN = "tenants.acme.instances.bot.backup.restoreFrom.plain";
  it("refuses a tenant's whole folder under the fleet prefix", () => {
    assertRefused(backupStack({ restoreFrom: { plain: "backups/acme" } }), PLAIN, `tenant "acme"'s whole folder`);
  });
  it("refuses a folder outside the prefix that is less than three levels deep", () => {
    assertRefused(backupStack({ restoreFrom: { plain: "migration/acme" } }), PLAIN, "may hold several instances' folders");
    assertRefused(backupStack({ restoreFrom: { plain: "migration" } }), PLAIN, "may hold several instances' folders");
  });
  it("accepts one instance's folder: under the prefix, and the migration and KubeClaw layouts", () => {
    for (const plain of [
      "backups/acme/bot",
      "backups/acme/old-bot/latest",
      "migration/acme/bot",
      "openclaw-acme/bot/2026-11-20T10-00-00Z",
    ]) {
      assert.deepEqual(problems(backupStack({ restoreFrom: { plain } })), [], plain);
    }
  });
});

describe("isolation: an instance's config never names another instance's objects, nor its own backup objects", () => {
  const refused: [string, Record<string, unknown>, string, string][] = [
    [
      "its own static store keys through env",
      { env: { KEY: { secretKeyRef: { name: "bot-backup", key: "accessKeyId" } } } },
      "env.KEY.secretKeyRef.name",
      "backup identity or passphrase",
    ],
    [
      "a sibling's store keys through envFrom",
      { envFrom: [{ secretRef: { name: "support-backup" } }] },
      "envFrom[0].secretRef.name",
      `instance "support"`,
    ],
    [
      "a sibling's gateway token",
      { gateway: { existingSecret: { name: "support-gateway-token" } } },
      "gateway.existingSecret.name",
      `instance "support"`,
    ],
    ["a sibling's state volume", { persistence: { existingClaim: "support-data" } }, "persistence.existingClaim", `instance "support"`],
    [
      "a sibling's workspace volume",
      { workspaceVolume: { enabled: true, existingClaim: "support-workspace" } },
      "workspaceVolume.existingClaim",
      `instance "support"`,
    ],
    [
      "a sibling's passphrase as a volume",
      { extraVolumes: [{ name: "x", secret: { secretName: "support-backup-passphrase" } }] },
      "extraVolumes[0].secret.secretName",
      `instance "support"`,
    ],
    [
      "a sibling's claim as a volume",
      { extraVolumes: [{ name: "x", persistentVolumeClaim: { claimName: "support-data" } }] },
      "extraVolumes[0].persistentVolumeClaim.claimName",
      `instance "support"`,
    ],
    [
      "a clone of a sibling's volume",
      {
        extraVolumes: [
          {
            name: "x",
            ephemeral: {
              volumeClaimTemplate: {
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: "1Gi" } },
                  dataSource: { kind: "PersistentVolumeClaim", name: "support-data" },
                },
              },
            },
          },
        ],
      },
      "extraVolumes[0].ephemeral.volumeClaimTemplate.spec.dataSource.name",
      `instance "support"`,
    ],
    [
      "its own passphrase in a sidecar",
      {
        sidecars: [
          {
            name: "x",
            image: "busybox:1.36",
            env: [{ name: "P", valueFrom: { secretKeyRef: { name: "bot-backup-passphrase", key: "passphrase" } } }],
          },
        ],
      },
      "sidecars[0].env[0].valueFrom.secretKeyRef.name",
      "backup identity or passphrase",
    ],
    [
      "a sibling's config as a configMapRef",
      { config: { configMapRef: { name: "support-config" } } },
      "config.configMapRef.name",
      `instance "support"`,
    ],
  ];
  for (const [what, bot, path, fragment] of refused) {
    it(`refuses ${what}`, () => assertRefused(twoInstances(bot), `${BOT}.${path}`, fragment));
  }

  it("accepts objects of the user's own, shared by several instances", () => {
    assertAccepted(
      twoInstances(
        {
          env: { KEY: { secretKeyRef: { name: "shared-api-keys", key: "openai" } } },
          gateway: { existingSecret: { name: "bot-gateway-secret" } },
          extraVolumes: [{ name: "x", configMap: { name: "team-prompts" } }],
        },
        {},
        { envFrom: [{ secretRef: { name: "shared-api-keys" } }] },
      ),
    );
  });
});
