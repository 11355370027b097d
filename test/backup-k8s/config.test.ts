import assert from "node:assert/strict";
import { loadFleetConfig } from "../../components/validation/load";
import { configProblems as problems } from "../support/stacks";
import { backupStack } from "./fixtures";

const BOT = "tenants.acme.instances.bot.backup";

function expectProblem(raw: Parameters<typeof loadFleetConfig>[0], path: string, message: RegExp): void {
  const found = problems(raw);
  assert.ok(
    found.some((p) => p.startsWith(`${path}: `) && message.test(p)),
    `expected a problem at ${path} matching ${message}, got:\n  ${found.join("\n  ") || "(none)"}`,
  );
}

describe("instance backup config", () => {
  it("has working defaults: daily, keep 7 for 30 days, default excludes, the pinned image", () => {
    const model = loadFleetConfig(backupStack());
    const backup = model.tenants[0]?.instances[0]?.spec.backup;
    assert.ok(backup, "the stack has an instance");
    assert.equal(backup.schedule, "1d");
    assert.deepEqual(backup.retention, { keepLast: 7, maxAgeDays: 30, incompleteGraceHours: 6 });
    assert.ok(backup.excludes.includes("/logs/**"));
    assert.match(backup.image.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(backup.restoreFrom, undefined);
  });

  it("reports a bad schedule, time zone, retention and deadlines at their full paths", () => {
    expectProblem(backupStack({ schedule: "0 25 * * *" }), `${BOT}.schedule`, /hour: 25 is out of range/);
    expectProblem(backupStack({ schedule: "36h" }), `${BOT}.schedule`, /divide a day/);
    expectProblem(backupStack({ timeZone: "Mars/Base" }), `${BOT}.timeZone`, /not an IANA time zone/);
    expectProblem(backupStack({ retention: { keepLast: -1 } }), `${BOT}.retention.keepLast`, /at least 0/);
    expectProblem(backupStack({ retention: { keepLst: 3 } }), `${BOT}.retention.keepLst`, /did you mean "keepLast"/);
    expectProblem(backupStack({ startingDeadlineSeconds: 5 }), `${BOT}.startingDeadlineSeconds`, /at least 10/);
    expectProblem(backupStack({ excludes: ["logs/**\n*.tmp"] }), `${BOT}.excludes[0]`, /one rclone filter pattern on one line/);
    expectProblem(backupStack({ image: { digest: "latest" } }), `${BOT}.image.digest`, /not an image digest/);
    expectProblem(
      backupStack({ activeDeadlineSeconds: 7200, retention: { incompleteGraceHours: 2 } }),
      `${BOT}.retention.incompleteGraceHours`,
      /longer than backup.activeDeadlineSeconds \(7200 s\)/,
    );
  });

  it("reports a bad schedule set in defaults once, at defaults", () => {
    const raw = backupStack();
    const defaults = raw.values.defaults as { backup: Record<string, unknown> };
    defaults.backup.schedule = "every day";
    const found = problems(raw);
    assert.ok(
      found.some((p) => p.startsWith("defaults.backup.schedule: ")),
      found.join("\n"),
    );
    assert.ok(!found.some((p) => p.startsWith(`${BOT}.schedule`)), found.join("\n"));
  });

  it("accepts every restoreFrom form", () => {
    for (const restoreFrom of [
      "acme/bot/periodic/20261122T035012Z",
      "backups/acme/bot/periodic/20261122T035012Z",
      "acme/bot/latest",
      "acme/bot/pre-delete/latest",
      { instance: "bot" },
      { instance: "old-bot", kind: "pre-delete", snapshot: "2026-11-22T03:50:12Z" },
      { plain: "backups/acme/bot/periodic/" },
      { plain: "openclaw-acme/bot/2026-11-20T10-00-00Z" },
    ]) {
      assert.deepEqual(problems(backupStack({ restoreFrom })), [], JSON.stringify(restoreFrom));
    }
  });

  it("reports a bad restoreFrom precisely", () => {
    expectProblem(backupStack({ restoreFrom: "acme/bot" }), `${BOT}.restoreFrom`, /does not end in "latest" or a snapshot time/);
    expectProblem(backupStack({ restoreFrom: "acme/bot/20261122T035012Z" }), `${BOT}.restoreFrom`, /has no kind before its time/);
    expectProblem(backupStack({ restoreFrom: "plain:some/folder" }), `${BOT}.restoreFrom`, /\{ plain: "some\/folder" \}/);
    expectProblem(backupStack({ restoreFrom: 42 }), `${BOT}.restoreFrom`, /expected a snapshot path or an object/);
    expectProblem(
      backupStack({ restoreFrom: { instance: "bot", snapshot: "2026-13-01T00:00:00Z", kind: "periodic" } }),
      `${BOT}.restoreFrom.snapshot`,
      /not "latest" or a UTC snapshot time/,
    );
    expectProblem(
      backupStack({ restoreFrom: { instance: "bot", snapshot: "20261122T035012Z" } }),
      `${BOT}.restoreFrom.kind`,
      /required with a snapshot time/,
    );
    expectProblem(
      backupStack({ restoreFrom: { instance: "bot", kind: "hourly" } }),
      `${BOT}.restoreFrom.kind`,
      /use one of periodic, pre-delete, pre-update, manual/,
    );
    expectProblem(backupStack({ restoreFrom: { instanse: "bot" } }), `${BOT}.restoreFrom.instanse`, /unknown key; did you mean "instance"/);
    expectProblem(backupStack({ restoreFrom: { tenant: "acme" } }), `${BOT}.restoreFrom.instance`, /is required/);
    expectProblem(backupStack({ restoreFrom: { plain: "../etc" } }), `${BOT}.restoreFrom.plain`, /not a bucket-relative folder/);
    expectProblem(
      backupStack({ restoreFrom: "other-prefix/acme/bot/latest" }),
      `${BOT}.restoreFrom`,
      /below "other-prefix\/", but this fleet's snapshots are below backup.prefix "backups\/"/,
    );
  });

  it("refuses to restore another tenant's backups unless the platform team allows that source for the tenant", () => {
    const platform = (restoreFromTenants: string[]) => ({ extra: { platform: { tenants: { acme: { restoreFromTenants } } } } });
    expectProblem(
      backupStack({ restoreFrom: { tenant: "globex", instance: "ops" } }),
      `${BOT}.restoreFrom.tenant`,
      /reads tenant "globex"'s backups .*only the platform team can allow it.*add "globex" to platform\.tenants\.acme\.restoreFromTenants/i,
    );
    expectProblem(backupStack({ restoreFrom: "globex/ops/latest" }), `${BOT}.restoreFrom`, /reads tenant "globex"'s backups/);
    expectProblem(
      backupStack({ restoreFrom: { plain: "backups/globex/ops/periodic" } }),
      `${BOT}.restoreFrom`,
      /reads tenant "globex"'s backups/,
    );
    // An allowance names sources: another tenant's does not open globex's.
    expectProblem(
      backupStack({ restoreFrom: "globex/ops/latest" }, platform(["initech"])),
      `${BOT}.restoreFrom`,
      /reads tenant "globex"'s backups/,
    );
    assert.deepEqual(problems(backupStack({ restoreFrom: { tenant: "globex", instance: "ops" } }, platform(["globex"]))), []);
    assert.deepEqual(problems(backupStack({ restoreFrom: { plain: "backups/globex/ops/periodic" } }, platform(["globex"]))), []);
    // The allowance is one-way: it lets acme read globex's backups, not globex acme's.
    const reverse = backupStack({}, platform(["globex"]));
    (reverse.values.tenants as { globex: { instances: Record<string, unknown> } }).globex.instances.ops = {
      backup: { restoreFrom: "acme/bot/latest" },
    };
    expectProblem(reverse, "tenants.globex.instances.ops.backup.restoreFrom", /reads tenant "acme"'s backups from tenant "globex"/);
  });

  it("refuses the old tenants.<tenant>.allowCrossTenantRestore, naming its path and the platform key that replaces it, and grants nothing with it", () => {
    const raw = backupStack({ restoreFrom: "globex/ops/latest" }, { tenant: { allowCrossTenantRestore: true } });
    expectProblem(
      raw,
      "tenants.acme.allowCrossTenantRestore",
      /moved to the platform team's block.*platform\.tenants\.acme\.restoreFromTenants/,
    );
    assert.throws(() => loadFleetConfig(raw), /allowCrossTenantRestore/);
    expectProblem(
      backupStack({}, { tenant: { allowCrossTenantRestore: false } }),
      "tenants.acme.allowCrossTenantRestore",
      /platform\.tenants\.acme\.restoreFromTenants/,
    );
    // Nor can the tenant's own block hold the new key.
    expectProblem(
      backupStack({ restoreFrom: "globex/ops/latest" }, { tenant: { restoreFromTenants: ["globex"] } }),
      "tenants.acme.restoreFromTenants",
      /unknown key/,
    );
  });

  it("refuses what the volume or the stack cannot do", () => {
    expectProblem(
      backupStack({ restoreFrom: { instance: "bot" } }, { instance: { persistence: { enabled: false } } }),
      `${BOT}.restoreFrom`,
      /no volume to restore into/,
    );
    expectProblem(backupStack({ enabled: false, restoreFrom: { instance: "bot" } }), `${BOT}.enabled`, /restoreFrom is set/);
    expectProblem(
      backupStack({ restoreFrom: { instance: "bot" } }, { extra: { backup: { enabled: false } } }),
      `${BOT}.restoreFrom`,
      /this stack has none/,
    );
    expectProblem(
      backupStack({}, { instance: { persistence: { accessModes: ["ReadWriteOncePod"] } } }),
      "tenants.acme.instances.bot.persistence.accessModes",
      /ReadWriteOncePod/,
    );
    const raw = backupStack();
    (raw.values.defaults as { backup: Record<string, unknown> }).backup.restoreFrom = { instance: "bot" };
    expectProblem(raw, "defaults.backup.restoreFrom", /set restoreFrom on the instance that should be restored/);
  });
});
