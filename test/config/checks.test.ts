import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_CHECKS } from "../../components/validation/checks";
import { loadFleetConfig } from "../../components/validation/load";
import { readPulumiConfig } from "../../components/program/pulumi-config";
import { ConfigError } from "../../components/config/problems";
import { PROJECT } from "../../scripts/lib/render-stack";
import { minimalStack, rawConfig } from "../support/stacks";

function problems(raw: Parameters<typeof loadFleetConfig>[0]): string[] {
  try {
    loadFleetConfig(raw);
    return [];
  } catch (err) {
    if (err instanceof ConfigError)
      return err.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw err;
  }
}

describe("config checks", () => {
  it("are registered once each, with a sentence for the docs", () => {
    const ids = CONFIG_CHECKS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of CONFIG_CHECKS) {
      assert.ok(check.refuses.length > 20, check.id);
      assert.ok(
        check.settings !== undefined || check.backupSettings !== undefined || check.stack !== undefined || check.instance !== undefined,
        check.id,
      );
    }
  });

  it("report a bad inherited value once, at defaults, not once per instance", () => {
    const raw = rawConfig({
      backup: { enabled: false },
      defaults: {
        image: { tag: "2026.11.1" },
        extraVolumes: [{ name: "v", emptyDir: {} }],
        extraVolumeMounts: [{ name: "v", mountPath: "/home/node/.openclaw" }],
      },
      tenants: { acme: { instances: { a: {}, b: {}, c: {} } } },
    });
    const found = problems(raw);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0] ?? "",
      /^openclaw-fleet:defaults\.extraVolumeMounts\[0\]\.mountPath: "\/home\/node\/\.openclaw" is where the program mounts its "state" volume/,
    );
  });

  it("report a cross-field problem at the instance when the instance sets one side of it", () => {
    const raw = rawConfig({
      backup: { enabled: false },
      defaults: { image: { tag: "2026.11.1" }, resources: { requests: { memory: "3Gi" } } },
      tenants: { acme: { instances: { a: {}, b: { resources: { limits: { memory: "2Gi" } } } } } },
    });
    assert.deepEqual(problems(raw), [
      "openclaw-fleet:tenants.acme.instances.b.resources.requests.memory: 3Gi is more than limits.memory (2Gi); the API server refuses a request above its limit: lower the request or raise the limit",
    ]);
  });

  it("refuse a key of a misspelt namespace, with the namespace as written", () => {
    const raw = { ...minimalStack(), foreignKeys: ["aws:region", "pulumi:tags", "openclaw-flet:tenants"] };
    assert.deepEqual(problems(raw), [
      'openclaw-flet:tenants: unknown config namespace "openclaw-flet"; did you mean "openclaw-fleet"? (nothing reads this key, so its settings would be ignored)',
    ]);
  });

  it("refuse a plain entry under secrets that the stack file shows, even when another entry is encrypted", () => {
    const raw = {
      ...minimalStack(),
      values: { ...minimalStack().values, secrets: { a: "[secret]", b: "plain" } },
      secretKeys: new Set(["secrets"]),
      leafSecrecy: { secure: new Set(["secrets.a"]), plain: new Set(["secrets.b"]) },
    };
    assert.deepEqual(
      problems(raw).map((p) => p.split(":").slice(0, 2).join(":")),
      ["openclaw-fleet:secrets.b"],
    );
  });
});

describe("readPulumiConfig (what `pulumi up` hands the program)", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: args.name, state: args.inputs as Record<string, unknown> }),
        call: (args) => args.inputs as Record<string, unknown>,
      },
      PROJECT,
      "local",
      false,
    );
  });

  it("lists other namespaces' keys, and reads which leaves the stack file encrypts", () => {
    pulumi.runtime.setAllConfig(
      {
        "openclaw-fleet:secrets": JSON.stringify({
          "local-store-access-key": "a",
          "local-store-secret-key": "b",
          "local-backup-passphrase": "c",
        }),
        "openclaw-flet:tenants": "{}",
        "aws:region": "eu-west-1",
      },
      ["openclaw-fleet:secrets"],
    );
    const raw = readPulumiConfig(PROJECT);
    assert.deepEqual([...(raw.foreignKeys ?? [])].sort(), ["aws:region", "openclaw-flet:tenants"]);
    assert.deepEqual([...raw.secretKeys], ["secrets"]);
    // stacks/Pulumi.local.yaml, found through Pulumi.yaml's stackConfigDir and the stack name.
    assert.ok(raw.leafSecrecy?.secure.has("secrets.local-store-access-key"));
    assert.ok(raw.leafSecrecy?.plain.has("tenants.demo.instances.assistant.persistence.size"));
  });
});
