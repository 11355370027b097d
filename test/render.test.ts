import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parse } from "yaml";
import { REDACTED } from "../scripts/lib/manifests";
import { renderStack } from "../scripts/lib/render-stack";
import "./support/crd-schemas";
import { assertValidObject, schemaProblems } from "./support/k8s-schema";
import { exampleStacks, kubernetesObjects, STACKS_DIR } from "./support/stacks";

describe("example stacks", () => {
  const stacks = exampleStacks();

  it("ships local, dev and prod", () => {
    for (const stack of ["local", "dev", "prod"]) assert.ok(stacks.includes(stack), `stacks/Pulumi.${stack}.yaml is missing`);
  });

  for (const stack of stacks) {
    describe(stack, () => {
      it("renders, and every Kubernetes object is valid against the Kubernetes schema", async () => {
        const rendered = await renderStack(join(STACKS_DIR, `Pulumi.${stack}.yaml`), stack);
        const objects = kubernetesObjects(rendered.registrations);
        assert.ok(objects.length >= 10, `only ${objects.length} objects rendered`);
        for (const object of objects) assertValidObject(object);
      });

      it("renders byte-identical output on every run", async () => {
        const path = join(STACKS_DIR, `Pulumi.${stack}.yaml`);
        const first = await renderStack(path, stack);
        const second = await renderStack(path, stack);
        assert.deepEqual([...second.files.keys()], [...first.files.keys()]);
        for (const [file, text] of first.files) assert.equal(second.files.get(file), text, `${file} differs between runs`);
      });

      it("writes each Secret as a valid manifest: its keys kept, every value redacted", async () => {
        const rendered = await renderStack(join(STACKS_DIR, `Pulumi.${stack}.yaml`), stack);
        const secrets = [...rendered.files].filter(([file]) => /\/Secret-[^/]+\.yaml$/.test(file));
        assert.ok(secrets.length > 0, "no Secret rendered");
        for (const [file, text] of secrets) {
          const secret = parse(text) as { stringData?: Record<string, unknown>; data?: Record<string, unknown> };
          assertValidObject(secret);
          const values = { ...secret.data, ...secret.stringData };
          assert.ok(Object.keys(values).length > 0, `${file} lost its keys`);
          for (const [key, value] of Object.entries(values)) assert.equal(value, REDACTED, `${file}: ${key} is not redacted`);
        }
      });

      it("never writes a secret value into the rendered files", async () => {
        const rendered = await renderStack(join(STACKS_DIR, `Pulumi.${stack}.yaml`), stack);
        for (const [file, text] of rendered.files) {
          assert.ok(!text.includes("generated-"), `${file} contains a generated secret`);
          assert.ok(!/secure:\s*v1:/.test(text), `${file} contains ciphertext`);
        }
      });
    });
  }
});

describe("schema validation harness", () => {
  it("rejects a wrong type, a missing required field and an unknown field", () => {
    const problems = schemaProblems({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "x" },
      spec: {
        replicas: "one",
        selector: { matchLabels: { a: "b" } },
        serviceName: "x",
        template: {
          spec: { containers: [{ name: "c", imagePullPolicy: "Sometimes", resources: { limits: { memory: "lots" } }, volumeMount: [] }] },
        },
      },
    });
    assert.ok(
      problems.some((p) => p.includes("replicas")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("volumeMount: unknown field")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("memory")),
      problems.join("\n"),
    );
  });

  it("accepts a minimal valid object", () => {
    assert.deepEqual(schemaProblems({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } }), []);
  });
});
