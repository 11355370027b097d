import { strict as assert } from "node:assert";
import { loadFleetConfig } from "../../components/validation/load";
import { ENGINE_CONFIG_MAP } from "../../components/builders/backup/engine-config-map";
import { ownedObjects } from "../../components/config/owned-objects";
import { backupStack } from "../backup-k8s/fixtures";
import { PINNED } from "../instance/support";
import { kubernetesObjects, runProgram } from "../support/stacks";

/** Every feature that makes an object of its own, on one instance. */
const EVERYTHING = {
  workspaceVolume: { enabled: true },
  workspace: { initialFiles: { "AGENTS.md": "be kind" } },
  env: { TOKEN: { secretRef: "api-token" } },
  ingress: { enabled: true, className: "traefik", hosts: [{ host: "bot.example.com" }], security: { basicAuth: { enabled: true } } },
  networkPolicy: { allowedIngressNamespaces: ["traefik"] },
  observability: {
    metrics: { enabled: true, collectorImage: PINNED, serviceMonitor: { enabled: true } },
    prometheusRule: { enabled: true },
    grafanaDashboard: { enabled: true },
  },
};

/** Objects of a namespace rather than of an instance (the backup engine's scripts are one ConfigMap per namespace); the restore Job's name carries a hash of the restore. */
const NOT_PER_INSTANCE = new Set(["Namespace", "LimitRange", "ResourceQuota", `ConfigMap/${ENGINE_CONFIG_MAP}`]);

describe("ownedObjects: every object the program makes for an instance", () => {
  for (const [what, instance, autoscaled] of [
    ["with a volume and backups", EVERYTHING, false],
    [
      "without a volume, autoscaled",
      {
        ...EVERYTHING,
        workspaceVolume: { enabled: false },
        persistence: { enabled: false },
        availability: { autoScaling: { enabled: true } },
      },
      true,
    ],
  ] as const) {
    it(`lists each rendered object of the instance (${what})`, async () => {
      const raw = backupStack(autoscaled ? {} : { restoreFrom: "acme/bot/latest" }, { instance });
      // The app's own secret: a store key or passphrase is never an env value (stack-secret-owners).
      (raw.values.secrets as Record<string, string>)["api-token"] = "sk-test";
      const model = loadFleetConfig(raw);
      const registered = kubernetesObjects(await runProgram(raw)).filter(
        (o) =>
          o.metadata.namespace === "openclaw-acme" &&
          !NOT_PER_INSTANCE.has(o.kind) &&
          !NOT_PER_INSTANCE.has(`${o.kind}/${o.metadata.name}`),
      );
      const bot = model.tenants.find((t) => t.name === "acme")?.instances.find((i) => i.name === "bot");
      assert.ok(bot !== undefined);
      const listed = new Set(ownedObjects(bot).map((o) => `${o.kind}/${o.name}`));
      const missing = registered.filter(
        (o) => !listed.has(`${o.kind}/${o.metadata.name}`) && !(o.kind === "Job" && o.metadata.name.startsWith("bot-restore-")),
      );
      assert.deepEqual(
        missing.map((o) => `${o.kind}/${o.metadata.name}`),
        [],
        "add these to components/config/owned-objects.ts",
      );
      assert.ok(registered.length >= 20, `only ${registered.length} objects rendered`);
    });
  }
});
