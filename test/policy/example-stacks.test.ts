import { strict as assert } from "node:assert";
import { policies } from "../../policy/policies";
import type { Registration } from "../../scripts/lib/mock-runtime";
import { exampleStackConfig, exampleStacks, runProgram } from "../support/stacks";
import { describeViolations, evaluate } from "./harness";

describe("policy pack on the example stacks", () => {
  for (const stack of exampleStacks()) {
    describe(stack, () => {
      let registrations: Registration[];
      before(async () => {
        registrations = await runProgram(exampleStackConfig(stack));
      });

      for (const policy of policies) {
        it(`passes ${policy.name}`, async () => {
          const violations = await evaluate(policy, registrations);
          assert.deepEqual(violations, [], `stacks/Pulumi.${stack}.yaml violates ${policy.name}:\n${describeViolations(violations)}`);
        });
      }
    });
  }
});
