import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type { RawStackConfig } from "../../components/config/load";
import type { ProgramOptions } from "../../components/program/program";

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
  /** Logical names of the resources it depends on, as the engine would record them (`dependsOn` and inputs). */
  readonly dependencies?: readonly string[];
  /** Options the engine acts on at deletion: `retainOnDelete` (left in place) and `protect` (refused). */
  readonly retainOnDelete?: boolean;
  readonly protect?: boolean;
  /** The parent as `<type>::<name>` (the last link of its URN); undefined for the stack's own children. */
  readonly parent?: string;
  /** Earlier parents this resource answers to (alias specs), as `<type>::<name>` of each parent URN. */
  readonly aliasParents?: readonly string[];
  /** Names of the lifecycle hooks bound to it, by hook point (`beforeDelete`, `onError`, …). */
  readonly hooks?: Readonly<Record<string, readonly string[]>>;
  /** The state the mocks returned: what the engine would report as outputs (policy stack validation reads these). */
  readonly outputs?: Record<string, unknown>;
}

export interface MockRunResult<T> {
  readonly registrations: readonly Registration[];
  readonly outputs: T;
}

/** The part of a RegisterResourceRequest the capture reads. */
interface RegistrationRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getRetainondelete(): boolean | undefined;
  getProtect(): boolean | undefined;
  getParent(): string;
  getAliasesList(): { getSpec(): { getParenturn(): string } | undefined }[];
  getHooks(): HookBindingRequest | undefined;
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

/** The AWS account the mocks pretend to run in (ARNs of resources the program creates). */
export const MOCK_AWS_ACCOUNT = "123456789012";
const MOCK_AWS_REGION = "us-east-1";

/** A stable pseudo-random suffix, like the ones AWS and Pulumi append to generated names. */
function suffix(name: string, length: number): string {
  return createHash("sha256").update(name).digest("hex").slice(0, length);
}

/** Outputs a real provider would compute, so that dependents see plausible values. */
function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string = MOCK_AWS_REGION,
): Record<string, unknown> {
  const generatedName = (): string =>
    typeof inputs.name === "string"
      ? inputs.name
      : `${typeof inputs.namePrefix === "string" ? inputs.namePrefix : `${name}-`}${suffix(name, 26)}`;
  switch (type) {
    case "pulumi-nodejs:dynamic/instance:GeneratedSecret":
      return { ...inputs, value: `generated-${name}` };
    case "aws:s3/bucket:Bucket": {
      const bucket =
        typeof inputs.bucket === "string"
          ? inputs.bucket
          : `${typeof inputs.bucketPrefix === "string" ? inputs.bucketPrefix : `${name}-`}${suffix(name, 12)}`;
      return { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}`, region };
    }
    case "aws:kms/key:Key": {
      const h = suffix(name, 32);
      const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      return { ...inputs, keyId, arn: `arn:aws:kms:${region}:${MOCK_AWS_ACCOUNT}:key/${keyId}` };
    }
    case "aws:iam/role:Role": {
      const roleName = generatedName();
      return {
        ...inputs,
        name: roleName,
        arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/${roleName}`,
        uniqueId: `AROA${suffix(name, 17).toUpperCase()}`,
      };
    }
    case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
      return { ...inputs, associationId: `a-${suffix(name, 17)}` };
    default:
      return inputs;
  }
}

/** What the mocks do not see of a registration but the request the SDK sends carries. */
interface RequestFacts {
  readonly dependencies: string[];
  readonly retainOnDelete: boolean;
  readonly protect: boolean;
  readonly parent?: string;
  readonly aliasParents: string[];
  readonly hooks?: Record<string, string[]>;
}

/** `urn:pulumi:<stack>::<project>::<a>$<b>::<name>` -> `<b>::<name>`. */
function urnTail(urn: string): string {
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  const types = urn.slice(0, urn.lastIndexOf("::"));
  const type =
    types
      .slice(types.lastIndexOf("::") + 2)
      .split("$")
      .pop() ?? "";
  return `${type}::${name}`;
}

interface HookBindingRequest {
  getBeforeCreateList(): string[];
  getAfterCreateList(): string[];
  getBeforeUpdateList(): string[];
  getAfterUpdateList(): string[];
  getBeforeDeleteList(): string[];
  getAfterDeleteList(): string[];
  getOnErrorList(): string[];
}

function hookNames(binding: HookBindingRequest | undefined): Record<string, string[]> | undefined {
  if (binding === undefined) return undefined;
  const all: Record<string, string[]> = {
    beforeCreate: binding.getBeforeCreateList(),
    afterCreate: binding.getAfterCreateList(),
    beforeUpdate: binding.getBeforeUpdateList(),
    afterUpdate: binding.getAfterUpdateList(),
    beforeDelete: binding.getBeforeDeleteList(),
    afterDelete: binding.getAfterDeleteList(),
    onError: binding.getOnErrorList(),
  };
  return Object.fromEntries(Object.entries(all).filter(([, names]) => names.length > 0));
}

/**
 * Runs `program` under Pulumi's mock runtime with the given stack config and
 * returns every registration. Invokes not listed in `options.invokes` throw,
 * so a program that starts calling the cloud is caught by the tests.
 */
export async function runWithMocks<T>(
  raw: RawStackConfig,
  program: (raw: RawStackConfig, options: ProgramOptions) => T,
  options: MockRunOptions = {},
): Promise<MockRunResult<T>> {
  const registrations: Registration[] = [];
  const invokes = options.invokes ?? {};
  // Region of each AWS provider by id, so that mocked ARNs carry the region the program configured.
  const awsRegions = new Map<string, string>();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const inputs = args.inputs as Record<string, unknown>;
        if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string") awsRegions.set(`${args.name}-id`, inputs.region);
        const region = args.provider ? awsRegions.get(args.provider.split("::").pop() ?? "") : undefined;
        const state = computedState(args.type, args.name, inputs, region);
        registrations.push({
          type: args.type,
          name: args.name,
          dependencies: requests.get(`${args.type}::${args.name}`)?.dependencies,
          retainOnDelete: requests.get(`${args.type}::${args.name}`)?.retainOnDelete,
          protect: requests.get(`${args.type}::${args.name}`)?.protect,
          parent: requests.get(`${args.type}::${args.name}`)?.parent,
          aliasParents: requests.get(`${args.type}::${args.name}`)?.aliasParents,
          hooks: requests.get(`${args.type}::${args.name}`)?.hooks,
          inputs: decode(inputs) as Record<string, unknown>,
          custom: args.custom ?? true,
          provider: args.provider || undefined,
          outputs: decode(state) as Record<string, unknown>,
        });
        return { id: `${args.name}-id`, state };
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
  // The mocks see neither dependencies nor deletion options; the request the SDK sends to the monitor carries them.
  const requests = new Map<string, RequestFacts>();
  const monitor = settings.getMonitor() as unknown as { registerResource(req: RegistrationRequest, callback: unknown): void };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    requests.set(`${req.getType()}::${req.getName()}`, {
      dependencies: req
        .getDependenciesList()
        .map((urn) => urn.slice(urn.lastIndexOf("::") + 2))
        .sort(),
      retainOnDelete: req.getRetainondelete() ?? false,
      protect: req.getProtect() ?? false,
      parent: req.getParent() ? urnTail(req.getParent()) : undefined,
      aliasParents: req.getAliasesList().flatMap((alias) => {
        const parent = alias.getSpec()?.getParenturn();
        return parent ? [urnTail(parent)] : [];
      }),
      hooks: hookNames(req.getHooks()),
    });
    register(req, callback);
  };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.values)) {
    config[`${raw.namespace}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(
    config,
    [...raw.secretKeys].map((k) => `${raw.namespace}:${k}`),
  );

  // Pulumi's mocks cannot register lifecycle hooks (and never run them).
  const outputs = program(raw, { lifecycleHooks: false });
  await waitForRPCs();
  return { registrations: [...registrations], outputs };
}

/** Resolves an Output under mocks (await it, so errors inside applies surface in the test). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
