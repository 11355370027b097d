import { strict as assert } from "node:assert";
import { claimGuardFailures, type ClaimIdentity } from "../../components/instance/claim-guard";

const created: ClaimIdentity = {
  configPath: "tenants.acme.instances.bot.persistence",
  claimName: "bot-data",
  storageClass: "gp3",
  accessModes: ["ReadWriteOnce"],
};

/**
 * The guard's check runs in the engine (dynamic providers never run under
 * mocks), so its decision function is tested directly here.
 */
describe("ClaimGuard: immutable PVC settings", () => {
  it("accepts the first creation and unchanged settings", () => {
    assert.deepEqual(claimGuardFailures(undefined, created), []);
    assert.deepEqual(claimGuardFailures({}, created), []);
    assert.deepEqual(claimGuardFailures(created, { ...created }), []);
    assert.deepEqual(
      claimGuardFailures({ ...created, accessModes: ["ReadWriteOnce"] }, { ...created, accessModes: ["ReadWriteOnce"] }),
      [],
    );
  });

  it("fails a storage class change with the config path, both classes and the fix", () => {
    const [failure, ...rest] = claimGuardFailures(created, { ...created, storageClass: "gp2" });
    assert.equal(rest.length, 0);
    assert.equal(failure?.property, "storageClass");
    assert.match(
      failure?.reason,
      /^tenants\.acme\.instances\.bot\.persistence\.storageClass: PVC bot-data was created with storage class "gp3", not "gp2"/,
    );
    assert.match(failure?.reason, /Revert the change/);
    assert.match(failure?.reason, /restore it into a new instance/);
  });

  it("treats the cluster default as a class of its own", () => {
    const [failure] = claimGuardFailures({ ...created, storageClass: "" }, created);
    assert.match(failure?.reason ?? "", /created with storage class the cluster default, not "gp3"/);
  });

  it("fails an access mode change", () => {
    const failures = claimGuardFailures(created, { ...created, accessModes: ["ReadWriteMany"] });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["accessModes"],
    );
  });
});

describe("ClaimGuard: the provider Pulumi serializes into state", () => {
  it("runs on its own and refuses a changed class in check", async () => {
    const { runInNewContext } = await import("node:vm");
    const { findRegistration, minimalStack, runProgram } = await import("../support/stacks");
    const registrations = await runProgram(minimalStack({ persistence: { storageClass: "gp3" } }));
    const guard = findRegistration(registrations, "pulumi-nodejs:dynamic/instance:ClaimGuard", "acme/bot-data-guard");
    const source = String(guard.inputs.__provider);
    // As the engine's dynamic provider host loads it: a module with `exports` and `require`, and nothing else.
    type Check = {
      check(olds: unknown, news: unknown): Promise<{ failures: { reason: string }[] }>;
      create(inputs: unknown): Promise<{ id: string }>;
    };
    const module = { exports: {} as { handler?: () => Check } };
    runInNewContext(source, { exports: module.exports, module, require });
    assert.ok(module.exports.handler, "serialized provider has no handler");
    const provider = module.exports.handler();
    const news = { ...guard.inputs, __provider: undefined } as unknown as ClaimIdentity;
    assert.equal((await provider.check({ ...news }, news)).failures.length, 0);
    const changed = await provider.check({ ...news }, { ...news, storageClass: "standard" });
    assert.match(changed.failures[0]?.reason ?? "", /created with storage class "gp3", not "standard"/);
    assert.equal((await provider.create(news)).id, news.claimName);
  });
});
