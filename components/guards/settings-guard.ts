import * as pulumi from "@pulumi/pulumi";

/** A setting the config changed where it cannot change, and what to do instead. */
export interface GuardFailure {
  readonly property: string;
  readonly reason: string;
}

/**
 * The dynamic provider of a settings guard: a resource that remembers, in state, the settings
 * its guarded resource was created with, and fails the preview (in `check`, before any step runs)
 * when the config changes one that would replace that resource. The guarded resource depends on
 * its guard. Pulumi's `protect` would stop the replacement too, but it also stops `pulumi destroy`.
 *
 * Pulumi serializes the provider with what it captures, `failuresOf` and `idOf` included: both
 * must be self-contained (no inner named functions: tsx wraps those in a helper the engine's
 * provider host lacks).
 */
export function settingsGuardProvider<T extends object>(
  failuresOf: (olds: Partial<T> | undefined, news: T) => GuardFailure[],
  idOf: (inputs: T) => string,
): pulumi.dynamic.ResourceProvider {
  return {
    async check(olds: Partial<T>, news: T) {
      return { inputs: news, failures: failuresOf(olds, news) };
    },
    async create(inputs: T) {
      return { id: idOf(inputs), outs: inputs };
    },
    async update(_id: string, _olds: T, news: T) {
      return { outs: news };
    },
    async delete() {
      // Nothing to clean up: a guard only remembers settings.
    },
  };
}
