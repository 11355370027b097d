import * as pulumi from "@pulumi/pulumi";

/** What a generated secret is made of; a change of either makes a new value. */
export interface GeneratedSecretSpec {
  /** Characters in the value. */
  readonly length: number;
  /** The characters it is drawn from, each equally likely. */
  readonly alphabet: string;
}

/** Letters and digits: safe in headers, URLs, env values and htpasswd files without escaping. */
export const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A uniformly random string from the operating system's CSPRNG.
 * Self-contained on purpose: Pulumi serializes it into the dynamic provider.
 */
export function generateSecretValue(spec: GeneratedSecretSpec): string {
  const { randomInt } = require("node:crypto") as typeof import("node:crypto");
  let value = "";
  for (let i = 0; i < spec.length; i++) value += spec.alphabet[randomInt(spec.alphabet.length)];
  return value;
}

const generatedSecretProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GeneratedSecretSpec) {
    return {
      id: `secret-${Date.now().toString(36)}`,
      outs: { length: inputs.length, alphabet: inputs.alphabet, value: generateSecretValue(inputs) },
    };
  },
  async diff(_id: string, olds: GeneratedSecretSpec, news: GeneratedSecretSpec) {
    const replaces = (["length", "alphabet"] as const).filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async delete() {
    // Nothing outside Pulumi's state holds the value.
  },
};

/**
 * A random value generated once and kept in the stack's state as a secret,
 * so it is the same on every run (the gateway token, the ingress basic-auth
 * password). A dynamic resource rather than `@pulumi/random`: the program
 * already needs the Node.js dynamic provider (ClaimGuard), and one plugin
 * fewer is one less binary to fetch or build for an air-gapped deployment.
 */
export class GeneratedSecret extends pulumi.dynamic.Resource {
  /** The generated value: a Pulumi secret. */
  declare public readonly value: pulumi.Output<string>;

  constructor(name: string, spec: GeneratedSecretSpec, opts?: pulumi.CustomResourceOptions) {
    super(
      generatedSecretProvider,
      name,
      { ...spec, value: undefined },
      { ...opts, additionalSecretOutputs: ["value"] },
      "instance",
      "GeneratedSecret",
    );
  }
}
