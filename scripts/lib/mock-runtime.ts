import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type { RawStackConfig } from "../../components/config/load";

/** A secret value as it reached the engine: kept distinct so tests can assert secrecy and render can redact it. */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

/** One resource the program registered, with the inputs the engine received. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** Provider reference (`urn::id`) when one was set explicitly. */
  readonly provider?: string;
}

export interface MockRunResult<T> {
  readonly registrations: readonly Registration[];
  readonly outputs: T;
}

/** Handlers for provider functions (invokes) the test expects; any other invoke fails the run. */
export type InvokeHandlers = Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;

export interface MockRunOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Run as `pulumi preview` would: outputs the engine computes stay unknown. */
  readonly preview?: boolean;
  readonly invokes?: InvokeHandlers;
}

// waitForRPCs is what `disconnect` uses to let every registration finish; it is
// internal, so it is reached the same way the SDK reaches it.
const { waitForRPCs } = settings as unknown as { waitForRPCs(): Promise<void> };

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return new SecretValue(decode(record.value));
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** Outputs a real provider would compute, so that dependents see plausible values. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `generated-${name}` };
    default:
      return inputs;
  }
}

/**
 * Runs `program` under Pulumi's mock runtime with the given stack config and
 * returns every registration. Invokes not listed in `options.invokes` throw,
 * so a program that starts calling the cloud is caught by the tests.
 */
export async function runWithMocks<T>(raw: RawStackConfig, program: (raw: RawStackConfig) => T, options: MockRunOptions = {}): Promise<MockRunResult<T>> {
  const registrations: Registration[] = [];
  const invokes = options.invokes ?? {};
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const inputs = args.inputs as Record<string, unknown>;
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: decode(inputs) as Record<string, unknown>,
          custom: args.custom ?? true,
          provider: args.provider || undefined,
        });
        return { id: `${args.name}-id`, state: computedState(args.type, args.name, inputs) };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        const handler = invokes[args.token];
        if (handler === undefined) throw new Error(`unexpected invoke ${args.token}: the program must not call providers here`);
        return handler(args.inputs as Record<string, unknown>);
      },
    },
    options.project ?? raw.namespace,
    options.stack ?? "test",
    options.preview ?? false,
  );
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.values)) {
    config[`${raw.namespace}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(config, [...raw.secretKeys].map((k) => `${raw.namespace}:${k}`));

  const outputs = program(raw);
  await waitForRPCs();
  return { registrations: [...registrations], outputs };
}

/** Resolves an Output under mocks (await it, so errors inside applies surface in the test). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
