/**
 * Runs the pack's policies on registrations captured under Pulumi's mocks,
 * the way the analyzer would, without a PolicyPack (constructing one starts
 * the analyzer's gRPC server; DESIGN.md §5). Resource policies get a
 * resource's inputs, stack policies every resource's outputs, and both get
 * `getConfig` with the configSchema defaults the CLI would fill in.
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { reveal } from "../../scripts/lib/manifests";
import type { Registration } from "../../scripts/lib/mock-runtime";

export type Policy = ResourceValidationPolicy | StackValidationPolicy;
export type PolicyConfig = Readonly<Record<string, unknown>>;

export interface Violation {
  readonly policy: string;
  readonly message: string;
  readonly urn?: string;
}

class NotApplicable extends Error {}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

export function urnOf(r: Pick<Registration, "type" | "name">): string {
  return `urn:pulumi:test::openclaw-fleet::${r.type}::${r.name}`;
}

/** A hand-made registration, for the deliberately bad resources. */
export function registration(type: string, name: string, inputs: Record<string, unknown>): Registration {
  return { type, name, inputs, custom: true };
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

function configFor(policy: Policy, config: PolicyConfig): () => object {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
  return () => ({ ...defaults, ...config });
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/**
 * Outputs as the engine reports them after an update: the state the mocks
 * returned (which fills in what providers compute, such as a bucket's name),
 * or the inputs for hand-made registrations.
 */
function outputsOf(r: Registration): Record<string, unknown> {
  return reveal(r.outputs ?? r.inputs) as Record<string, unknown>;
}

export function resourceArgs(policy: Policy, r: Registration, config: PolicyConfig = {}): ResourceValidationArgs {
  const props = reveal(r.inputs) as Record<string, unknown>;
  return {
    type: r.type,
    name: r.name,
    urn: urnOf(r),
    props,
    opts: OPTIONS,
    stackTags: new Map(),
    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
    asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: configFor(policy, config) as ResourceValidationArgs["getConfig"],
    notApplicable,
  };
}

export function stackArgs(policy: Policy, registrations: readonly Registration[], config: PolicyConfig = {}): StackValidationArgs {
  const resources: PolicyResource[] = registrations.map((r) => {
    const props = outputsOf(r);
    return {
      type: r.type,
      name: r.name,
      urn: urnOf(r),
      props,
      opts: OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
    };
  });
  return { resources, stackTags: new Map(), getConfig: configFor(policy, config) as StackValidationArgs["getConfig"], notApplicable };
}

/** Every violation one policy reports on a set of registrations. */
export async function evaluate(policy: Policy, registrations: readonly Registration[], config: PolicyConfig = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  const collector = (urn?: string) => (message: string, reported?: string) => {
    violations.push({ policy: policy.name, message, ...((reported ?? urn) !== undefined ? { urn: reported ?? urn } : {}) });
  };
  const run = async (validate: () => Promise<void> | void) => {
    try {
      await validate();
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
  };
  if ("validateStack" in policy) {
    await run(() => policy.validateStack(stackArgs(policy, registrations, config), collector()));
    return violations;
  }
  const validations =
    policy.validateResource === undefined
      ? []
      : Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
  for (const r of registrations.filter((x) => x.custom)) {
    for (const validate of validations) await run(() => validate(resourceArgs(policy, r, config), collector(urnOf(r))));
  }
  return violations;
}

export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `  [${v.policy}] ${v.message}`).join("\n");
}
