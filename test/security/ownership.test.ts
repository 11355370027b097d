/**
 * Issue 25: one ownership model. Every object and name the fleet creates or
 * refers to has one owner (the fleet, a tenant, an instance), and every
 * reference in any config position is checked against it. The property test
 * generates references across tenants and instances and asserts that every
 * one that crosses an owner without permission is refused at its own path,
 * and that the same position with a name of the user's own is accepted.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ownedObjects } from "../../components/config/owned-objects";
import { loadFleetConfig, type RawStackConfig } from "../../components/validation/load";
import { instanceNames } from "../../components/config/names";
import { backupStack } from "../backup-k8s/fixtures";
import { configProblems as problems, kubernetesObjects, rawConfig, runProgram } from "../support/stacks";
import { assertAccepted, assertRefused, twoInstances } from "./support";

const BOT = "tenants.acme.instances.bot";
const STORE = {
  kind: "s3Compatible",
  endpoint: "https://s3.example.com",
  bucket: "openclaw-backups",
  region: "us-east-1",
  provider: "Minio",
  credentials: { accessKeyId: { secretRef: "fleet-key" }, secretAccessKey: { secretRef: "fleet-secret" } },
};
const SECRETS = {
  "fleet-key": "AK",
  "fleet-secret": "SK",
  "globex-key": "GK",
  "globex-secret": "GS",
  passphrase: "pp",
  "acme-api": "sk-a",
  "globex-api": "sk-g",
};

/** Two tenants with backups on static keys: acme (bot, support) on the fleet's keys, globex (ops) on its own. */
function fleet(
  bot: Record<string, unknown>,
  options: {
    support?: Record<string, unknown>;
    acme?: Record<string, unknown>;
    ops?: Record<string, unknown>;
    extra?: Record<string, unknown>;
  } = {},
): RawStackConfig {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { store: STORE },
    defaults: { image: { tag: "2026.9.6" }, backup: { encryption: { passphrase: { secretRef: "passphrase" } } } },
    tenants: {
      acme: { ...options.acme, instances: { bot, support: options.support ?? {} } },
      globex: {
        backup: { credentials: { accessKeyId: { secretRef: "globex-key" }, secretAccessKey: { secretRef: "globex-secret" } } },
        instances: { ops: options.ops ?? { env: { KEY: { secretRef: "globex-api" } } } },
      },
    },
    secrets: SECRETS,
    ...options.extra,
  });
}

describe("ownership: the classes of issue 25, each refused with its path and the fix", () => {
  it("refuses an env secretRef to the fleet's store keys, another tenant's store keys, or a passphrase", () => {
    assertRefused(
      fleet({ env: { K: { secretRef: "fleet-key" } } }),
      `${BOT}.env.K.secretRef`,
      "the fleet's store keys (backup.store.credentials.accessKeyId.secretRef)",
    );
    assertRefused(fleet({ env: { K: { secretRef: "globex-key" } } }), `${BOT}.env.K.secretRef`, `tenant "globex"'s store keys`);
    assertRefused(
      fleet({ env: { K: { secretRef: "passphrase" } } }),
      `${BOT}.env.K.secretRef`,
      "store keys and backup passphrases never reach the app",
    );
  });

  it("refuses a tenant's backup credentials that point at another tenant's secrets, naming both paths", () => {
    const raw = fleet(
      {},
      { acme: { backup: { credentials: { accessKeyId: { secretRef: "globex-key" }, secretAccessKey: { secretRef: "globex-secret" } } } } },
    );
    assertRefused(
      raw,
      "tenants.globex.backup.credentials.accessKeyId.secretRef",
      `tenant "acme"'s store keys (tenants.acme.backup.credentials.accessKeyId.secretRef)`,
    );
    assertRefused(
      fleet({ env: { K: { secretRef: "globex-api" } } }),
      "tenants.globex.instances.ops.env.KEY.secretRef",
      `tenant "acme"'s env value (${BOT}.env.K.secretRef)`,
    );
  });

  it("accepts a fleet secret shared through defaults, used for the same purpose", () => {
    const raw = fleet(
      { env: { OPENAI: { secretRef: "acme-api" } } },
      {
        extra: {
          defaults: {
            image: { tag: "2026.9.6" },
            env: { SHARED: { secretRef: "acme-api" } },
            backup: { encryption: { passphrase: { secretRef: "passphrase" } } },
          },
        },
      },
    );
    assert.deepEqual(problems(raw), []);
  });

  it("refuses a sidecar's secretKeyRef to a sibling's backup Secret, also for a sibling named openclaw-<x>", () => {
    const sidecar = (name: string) => ({
      sidecars: [{ name: "x", image: "busybox:1.37", env: [{ name: "K", valueFrom: { secretKeyRef: { name, key: "accessKeyId" } } }] }],
    });
    const raw = rawConfig({
      cluster: { kubernetes: { renderYamlToDirectory: "out" } },
      backup: { enabled: false },
      defaults: { image: { tag: "2026.9.6" } },
      tenants: { acme: { instances: { bot: sidecar("openclaw-x-backup"), "openclaw-x": {} } } },
    });
    assertRefused(raw, `${BOT}.sidecars[0].env[0].valueFrom.secretKeyRef.name`, `instance "openclaw-x"'s backup Secret`);
    assertRefused(
      twoInstances(sidecar("openclaw-quota")),
      `${BOT}.sidecars[0].env[0].valueFrom.secretKeyRef.name`,
      "the tenant namespace's own objects",
    );
  });

  it("refuses a volume of a sibling's user-named claim, two instances on one claim, and one claim as state and workspace", () => {
    const claimOf = (claimName: string) => ({ extraVolumes: [{ name: "x", persistentVolumeClaim: { claimName } }] });
    assertRefused(
      twoInstances(claimOf("team-data"), {}, { persistence: { existingClaim: "team-data" } }),
      `${BOT}.extraVolumes[0].persistentVolumeClaim.claimName`,
      `instance "support"'s PersistentVolumeClaim: it uses it at tenants.acme.instances.support.persistence.existingClaim`,
    );
    assertRefused(
      twoInstances({ persistence: { existingClaim: "shared" } }, {}, { persistence: { existingClaim: "shared" } }),
      "tenants.acme.instances.support.persistence.existingClaim",
      `it uses it at ${BOT}.persistence.existingClaim`,
    );
    assertRefused(
      twoInstances({ persistence: { existingClaim: "mine" }, workspaceVolume: { enabled: true, existingClaim: "mine" } }),
      `${BOT}.workspaceVolume.existingClaim`,
      "is already used by this instance at persistence.existingClaim",
    );
  });

  it("refuses a sibling's user-named gateway token anywhere, and a shared one", () => {
    assertRefused(
      twoInstances({ env: { T: { secretKeyRef: { name: "gw", key: "token" } } } }, {}, { gateway: { existingSecret: { name: "gw" } } }),
      `${BOT}.env.T.secretKeyRef.name`,
      `instance "support"'s Secret`,
    );
  });

  it("refuses a Role that patches a sibling's ConfigMap by resourceNames", () => {
    const raw = twoInstances(
      {
        rbac: { additionalRules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"], resourceNames: ["team-prompts"] }] },
        networkPolicy: { allowAPIServer: true },
      },
      { cluster: { kubernetes: { renderYamlToDirectory: "out", apiServerCIDRs: ["10.0.0.10/32"] } } },
      { config: { configMapRef: { name: "team-prompts" } } },
    );
    assertRefused(
      raw,
      `${BOT}.rbac.additionalRules[0]`,
      `which instance "support" uses (tenants.acme.instances.support.config.configMapRef.name)`,
    );
  });

  it("refuses a host, a wildcard over it, a server alias or an external-dns name of another tenant's instance", () => {
    const ingress = (extra: Record<string, unknown>) => ({
      ingress: { enabled: true, hosts: [{ host: "shop.example.com" }], ...extra },
      networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
    });
    const ops = ingress({});
    const policy = {
      platform: {
        tenants: {
          acme: { allowedAnnotations: ["nginx.ingress.kubernetes.io/server-alias", "external-dns.alpha.kubernetes.io/hostname"] },
        },
      },
    };
    assertRefused(
      fleet(ingress({}), { ops }),
      "tenants.globex.instances.ops.ingress.hosts[0].host",
      `host "shop.example.com" is also claimed by ${BOT}.ingress.hosts[0].host (tenant "acme", instance "bot")`,
    );
    const wild = {
      ingress: { enabled: true, hosts: [{ host: "*.example.com" }] },
      networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
    };
    assertRefused(fleet(wild, { ops }), "tenants.globex.instances.ops.ingress.hosts[0].host", "also claimed by");
    const alias = {
      ingress: {
        enabled: true,
        hosts: [{ host: "mine.example.com" }],
        annotations: { "nginx.ingress.kubernetes.io/server-alias": "shop.example.com" },
      },
      networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
    };
    assertRefused(fleet(alias, { ops, extra: policy }), "tenants.globex.instances.ops.ingress.hosts[0].host", "also claimed by");
    const dns = { service: { annotations: { "external-dns.alpha.kubernetes.io/hostname": "shop.example.com" } } };
    assertRefused(fleet(dns, { ops, extra: policy }), "tenants.globex.instances.ops.ingress.hosts[0].host", "also claimed by");
  });

  it("refuses an annotation that names another namespace's or a sibling's Secret, and accepts a shared wildcard certificate", () => {
    const annotated = (value: string) => ({
      ingress: {
        enabled: true,
        hosts: [{ host: "bot.example.com" }],
        annotations: { "nginx.ingress.kubernetes.io/proxy-ssl-secret": value },
      },
      networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
    });
    assertRefused(
      twoInstances(annotated("openclaw-globex/client-cert")),
      `${BOT}.ingress.annotations.nginx.ingress.kubernetes.io/proxy-ssl-secret`,
      "an instance refers only to objects of its own namespace",
    );
    assertRefused(
      twoInstances(annotated("openclaw-acme/support-backup")),
      `${BOT}.ingress.annotations.nginx.ingress.kubernetes.io/proxy-ssl-secret`,
      `instance "support"'s backup Secret`,
    );
    const wildcard = (host: string) => ({
      ingress: { enabled: true, hosts: [{ host }], tls: [{ hosts: ["*.example.com"], secretName: "wildcard-tls" }] },
      networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
    });
    assertAccepted(twoInstances(wildcard("bot.example.com"), {}, wildcard("support.example.com")));
  });

  it("refuses a tailscale hostname of a sibling, and a tenant namespace a controller or another tenant's policy holds", () => {
    const ts = (hostname?: string) => ({
      tailscale: { enabled: true, authKeySecretRef: { name: "ts-key" }, image: { tag: "v1.80.0" }, ...(hostname ? { hostname } : {}) },
    });
    assertRefused(
      twoInstances(ts("support"), {}, ts()),
      `${BOT}.tailscale.hostname`,
      'tailnet host name "support" is also claimed by tenants.acme.instances.support.tailscale.enabled',
    );
    const ns = (namespace: string) => fleet({}, { acme: { namespace } });
    assertRefused(ns("ingress-nginx"), "tenants.acme.namespace", "one of its controllers");
    assertRefused(ns("kube-flannel"), "tenants.acme.namespace", "Kubernetes system namespace");
    assertRefused(
      fleet({}, { acme: { namespace: "partners" }, ops: { networkPolicy: { allowedIngressNamespaces: ["partners"] } } }),
      "tenants.acme.namespace",
      "admitted by another tenant's NetworkPolicy (tenants.globex.instances.ops.networkPolicy.allowedIngressNamespaces[0])",
    );
  });
});

describe("ownership: annotations with a policy, network defaults that fail closed, http(s) links", () => {
  const nginx = (annotations: Record<string, string>) => ({
    ingress: { enabled: true, hosts: [{ host: "bot.example.com" }], annotations },
    networkPolicy: { allowedIngressNamespaces: ["ingress-nginx"] },
  });

  it("refuses a server-snippet, a server alias and an external-dns name unless the platform team allows them for the tenant", () => {
    const snippet = nginx({ "nginx.ingress.kubernetes.io/server-snippet": "location /x { proxy_pass http://10.0.0.1; }" });
    assertRefused(
      twoInstances(snippet),
      `${BOT}.ingress.annotations.nginx.ingress.kubernetes.io/server-snippet`,
      "platform.tenants.acme.allowedAnnotations",
    );
    assertRefused(
      twoInstances(nginx({ "nginx.ingress.kubernetes.io/server-alias": "other.example.com" })),
      `${BOT}.ingress.annotations.nginx.ingress.kubernetes.io/server-alias`,
      "routes more host names",
    );
    assertRefused(
      twoInstances({ service: { annotations: { "external-dns.alpha.kubernetes.io/hostname": "x.example.com" } } }),
      `${BOT}.service.annotations.external-dns.alpha.kubernetes.io/hostname`,
      "publishes DNS records",
    );
    assertAccepted(twoInstances(snippet, { platform: { tenants: { acme: { allowedAnnotations: ["nginx.ingress.kubernetes.io/*"] } } } }));
    assertAccepted(twoInstances(nginx({ "nginx.ingress.kubernetes.io/proxy-body-size": "10m" })));
  });

  it("refuses an allowance for a tenant that does not exist", () => {
    assertRefused(
      twoInstances({}, { platform: { tenants: { acmee: { allowNetworkPolicyOff: true } } } }),
      "platform.tenants.acmee",
      "is not a tenant",
    );
  });

  it("refuses networkPolicy.enabled: false unless the platform team allows it for the tenant, and keeps the backup pod's policy", () => {
    assertRefused(
      twoInstances({ networkPolicy: { enabled: false } }),
      `${BOT}.networkPolicy.enabled`,
      "platform.tenants.acme.allowNetworkPolicyOff",
    );
    assertAccepted(
      twoInstances({ networkPolicy: { enabled: false } }, { platform: { tenants: { acme: { allowNetworkPolicyOff: true } } } }),
    );
  });

  it("renders the backup pod's NetworkPolicy for an instance without one", async () => {
    const raw = backupStack(
      {},
      { instance: { networkPolicy: { enabled: false } }, extra: { platform: { tenants: { acme: { allowNetworkPolicyOff: true } } } } },
    );
    const policies = kubernetesObjects(await runProgram(raw)).filter(
      (o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "openclaw-acme",
    );
    assert.deepEqual(
      policies.map((o) => o.metadata.name),
      ["bot-backup"],
    );
  });

  it("refuses an egress rule without a destination, and one that names the metadata address", () => {
    assertRefused(
      twoInstances({ networkPolicy: { additionalEgress: [{ ports: [{ port: 80 }] }] } }),
      `${BOT}.networkPolicy.additionalEgress[0].cidrs`,
      "needs a destination",
    );
    assertRefused(
      twoInstances({ networkPolicy: { additionalEgress: [{ cidrs: ["169.254.169.254/32"], ports: [{ port: 80 }] }] } }),
      `${BOT}.networkPolicy.additionalEgress[0].cidrs[0]`,
      "no rule may reach it",
    );
  });

  it("refuses a javascript: runbook URL", () => {
    assertRefused(
      twoInstances({ observability: { prometheusRule: { runbookBaseURL: "javascript:alert(1)" } } }),
      `${BOT}.observability.prometheusRule.runbookBaseURL`,
      "is not an http(s) URL",
    );
  });
});

describe("plain mistakes of issue 25, refused with the path and the fix", () => {
  const side = (extra: Record<string, unknown>) => ({ sidecars: [{ name: "side", image: "busybox:1.37", ...extra }] });
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["a cron that never fires (30 February)", { backup: { schedule: "0 3 30 2 *" } }, "backup.schedule", "never fires"],
    [
      "a subPath with ..",
      side({ volumeMounts: [{ name: "x", mountPath: "/x", subPath: "../other" }] }),
      "sidecars[0].volumeMounts[0].subPath",
      "without '..'",
    ],
    [
      "a resource-name typo in a sidecar",
      side({ resources: { limits: { memroy: "1Gi" } } }),
      "sidecars[0].resources.limits.memroy",
      'did you mean "memory"?',
    ],
    [
      "a probe on a port no container declares",
      side({ ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 9999 } } }),
      "sidecars[0].readinessProbe.tcpSocket.port",
      "is not a port container",
    ],
    [
      "a metrics port equal to the gateway port",
      { observability: { metrics: { enabled: true, port: 18789, collectorImage: { tag: "0.120.0" } } } },
      "observability.metrics.port",
      "the gateway port",
    ],
    [
      "an API key in plain text inside config.raw",
      { config: { raw: { models: { providers: { openai: { apiKey: "sk-live-123" } } } } } },
      "config.raw.models.providers.openai.apiKey",
      "${OPENCLAW_API_KEY}",
    ],
    [
      "a dashboard folder with ../",
      { observability: { grafanaDashboard: { enabled: true, folder: "../etc" } } },
      "observability.grafanaDashboard.folder",
      "without '..'",
    ],
  ];
  for (const [what, bot, path, fragment] of cases) {
    it(`refuses ${what}`, () => assertRefused(fleet(bot), `${BOT}.${path}`, fragment));
  }

  it("accepts the same options written right", () => {
    assert.deepEqual(
      problems(
        fleet({
          backup: { schedule: "0 3 29 2 *" },
          config: { raw: { models: { providers: { openai: { apiKey: "${OPENAI_API_KEY}" } } } } },
          sidecars: [
            {
              name: "side",
              image: "busybox:1.37",
              ports: [{ name: "http", containerPort: 8080 }],
              readinessProbe: { httpGet: { port: "http" } },
              resources: { limits: { memory: "1Gi", "nvidia.com/gpu": "1" } },
            },
          ],
        }),
      ),
      [],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The property: references generated across tenants and instances.

/** Instance names chosen to make prefixes and the namespace's own `openclaw-` overlap. */
const NAMES = ["bot", "bot-2", "a", "a-b", "openclaw-x", "sales", "support"];

/** A reference position: the settings that name `target`, and the path (below the instance) where it is named. */
interface Position {
  readonly what: string;
  readonly kinds: readonly string[];
  readonly settings: (target: string) => Record<string, unknown>;
  readonly path: string;
}

const container = (extra: Record<string, unknown>) => ({ name: "side", image: "busybox:1.37", ...extra });
const POSITIONS: readonly Position[] = [
  {
    what: "env secretKeyRef",
    kinds: ["Secret"],
    settings: (t) => ({ env: { K: { secretKeyRef: { name: t, key: "k" } } } }),
    path: "env.K.secretKeyRef.name",
  },
  {
    what: "env configMapKeyRef",
    kinds: ["ConfigMap"],
    settings: (t) => ({ env: { K: { configMapKeyRef: { name: t, key: "k" } } } }),
    path: "env.K.configMapKeyRef.name",
  },
  {
    what: "envFrom secretRef",
    kinds: ["Secret"],
    settings: (t) => ({ envFrom: [{ secretRef: { name: t } }] }),
    path: "envFrom[0].secretRef.name",
  },
  {
    what: "sidecar env",
    kinds: ["Secret"],
    settings: (t) => ({ sidecars: [container({ env: [{ name: "K", valueFrom: { secretKeyRef: { name: t, key: "k" } } }] })] }),
    path: "sidecars[0].env[0].valueFrom.secretKeyRef.name",
  },
  {
    what: "init container envFrom",
    kinds: ["ConfigMap"],
    settings: (t) => ({ initContainers: [container({ envFrom: [{ configMapRef: { name: t } }] })] }),
    path: "initContainers[0].envFrom[0].configMapRef.name",
  },
  {
    what: "secret volume",
    kinds: ["Secret"],
    settings: (t) => ({ extraVolumes: [{ name: "v", secret: { secretName: t } }] }),
    path: "extraVolumes[0].secret.secretName",
  },
  {
    what: "configMap volume",
    kinds: ["ConfigMap"],
    settings: (t) => ({ sidecarVolumes: [{ name: "v", configMap: { name: t } }] }),
    path: "sidecarVolumes[0].configMap.name",
  },
  {
    what: "projected secret",
    kinds: ["Secret"],
    settings: (t) => ({ extraVolumes: [{ name: "v", projected: { sources: [{ secret: { name: t } }] } }] }),
    path: "extraVolumes[0].projected.sources[0].secret.name",
  },
  {
    what: "claim volume",
    kinds: ["PersistentVolumeClaim"],
    settings: (t) => ({ extraVolumes: [{ name: "v", persistentVolumeClaim: { claimName: t } }] }),
    path: "extraVolumes[0].persistentVolumeClaim.claimName",
  },
  {
    what: "state claim",
    kinds: ["PersistentVolumeClaim"],
    settings: (t) => ({ persistence: { existingClaim: t } }),
    path: "persistence.existingClaim",
  },
  {
    what: "gateway token",
    kinds: ["Secret"],
    settings: (t) => ({ gateway: { existingSecret: { name: t } } }),
    path: "gateway.existingSecret.name",
  },
  {
    what: "config map",
    kinds: ["ConfigMap"],
    settings: (t) => ({ config: { configMapRef: { name: t } } }),
    path: "config.configMapRef.name",
  },
  { what: "CA bundle", kinds: ["Secret"], settings: (t) => ({ caBundle: { secretName: t } }), path: "caBundle.secretName" },
  {
    what: "image pull secret",
    kinds: ["Secret"],
    settings: (t) => ({ image: { tag: "2026.9.6", pullSecrets: [t] } }),
    path: "image.pullSecrets[0]",
  },
];

/** What the reference names: an object of another owner, set up by the generated fleet. */
type Target =
  | { kind: "sibling-object"; pick: number }
  | { kind: "own-backup"; pick: number }
  | { kind: "namespace-object"; name: string }
  | { kind: "sibling-claim" }
  | { kind: "sibling-gateway-token" };

interface Scenario {
  readonly tenants: string[][];
  readonly attacker: number;
  readonly position: number;
  readonly target: Target;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  tenants: fc.array(fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
  attacker: fc.nat(),
  position: fc.nat({ max: POSITIONS.length - 1 }),
  target: fc.oneof(
    fc.record({ kind: fc.constant("sibling-object" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("own-backup" as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant("namespace-object" as const),
      name: fc.constantFrom("openclaw-quota", "openclaw-limits", "openclaw-backup-engine"),
    }),
    fc.constant({ kind: "sibling-claim" as const }),
    fc.constant({ kind: "sibling-gateway-token" as const }),
  ),
});

const TENANT_NAMES = ["acme", "globex", "initech"];

function instanceOf(tenant: string, name: string) {
  return { tenant, name, namespace: `openclaw-${tenant}`, logicalName: `${tenant}/${name}`, names: instanceNames(name), spec: {} } as never;
}

/** The stack of a scenario, the full path of the reference, and whether it crosses an owner. */
function build(s: Scenario, userNamed: boolean): { raw: RawStackConfig; path: string; description: string } {
  const tenantIndex = s.attacker % s.tenants.length;
  const tenant = TENANT_NAMES[tenantIndex];
  const members = s.tenants[tenantIndex];
  const attacker = members?.[s.attacker % members.length];
  const sibling = members?.find((m) => m !== attacker) as string;
  const position = POSITIONS[s.position];
  if (tenant === undefined || attacker === undefined || position === undefined)
    throw new Error(`scenario out of range: ${JSON.stringify(s)}`);
  const instances: Record<string, Record<string, Record<string, unknown>>> = {};
  s.tenants.forEach((names, t) => (instances[TENANT_NAMES[t] ?? `tenant-${t}`] = Object.fromEntries(names.map((n) => [n, {}]))));
  const own = instances[tenant];
  if (own === undefined) throw new Error(`scenario without tenant ${tenant}`);
  let name: string;
  if (userNamed) name = "zz-user-object";
  else {
    switch (s.target.kind) {
      case "sibling-object": {
        const objects = ownedObjects(instanceOf(tenant, sibling));
        name = objects[s.target.pick % objects.length]?.name ?? "zz-no-object";
        break;
      }
      case "own-backup": {
        const objects = ownedObjects(instanceOf(tenant, attacker)).filter((o) => o.backup);
        name = objects[s.target.pick % objects.length]?.name ?? "zz-no-object";
        break;
      }
      case "namespace-object":
        name = s.target.name;
        break;
      case "sibling-claim":
        name = "zz-claimed";
        own[sibling] = { persistence: { existingClaim: name } };
        break;
      case "sibling-gateway-token":
        name = "zz-claimed";
        own[sibling] = { gateway: { existingSecret: { name } } };
        break;
    }
  }
  // The attacker's own gateway token and claim positions are "replacing" ones: naming its own program objects there is refused too, which is fine here.
  own[attacker] = { ...own[attacker], ...position.settings(name) };
  const raw = rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: { enabled: false },
    defaults: { image: { tag: "2026.9.6" } },
    tenants: Object.fromEntries(Object.entries(instances).map(([t, is]) => [t, { instances: is }])),
  });
  return {
    raw,
    path: `tenants.${tenant}.instances.${attacker}.${position.path}`,
    description: `${tenant}/${attacker} → "${name}" (${s.target.kind}) at ${position.what}`,
  };
}

describe("ownership property: a reference that crosses an owner is refused, at its path", () => {
  const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

  it("refuses every generated reference to another owner's object, and accepts the same position with a name of the user's own", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const crossing = build(s, false);
        const found = problems(crossing.raw);
        assert.ok(
          found.some((p) => p.startsWith(`${crossing.path}: `)),
          `${crossing.description}: expected a refusal at ${crossing.path}; got:\n  ${found.join("\n  ") || "(none)"}`,
        );
        // Every refusal names the path and a fix.
        for (const p of found) assert.match(p, /^tenants\.[a-z0-9-]+\.[^ ]+: .*(;|:) /, p);
        const own = build({ ...s, target: { kind: "namespace-object", name: "" } }, true);
        const ownProblems = problems(own.raw).filter((p) => p.startsWith(`${own.path}: `));
        assert.deepEqual(ownProblems, [], `${own.description}: a user-managed object nobody claims is the tenant's to share`);
      }),
      { numRuns: RUNS, seed: 20261207 },
    );
  });

  it("loads the generated fleets without crossings (the generator makes valid stacks)", () => {
    const raw = build({ tenants: [["bot", "support"]], attacker: 0, position: 0, target: { kind: "sibling-claim" } }, true).raw;
    assert.doesNotThrow(() => loadFleetConfig(raw));
  });
});
