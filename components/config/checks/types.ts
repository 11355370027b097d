import type { RawStackConfig } from "../load";
import type { InstanceModel, TenantModel } from "../model";
import type { ConfigProblem } from "../problems";
import type { StackSpec } from "../stack-schema";

/** What every check sees once the schemas have run. */
export interface CheckContext {
  /** The config as read (values, which keys are secret, other namespaces' keys). */
  readonly raw: RawStackConfig;
  /** The validated stack; undefined when it failed its schema (those problems are reported already). */
  readonly stack?: StackSpec;
  /** Every tenant whose settings validated, with the instances whose settings validated. */
  readonly tenants: readonly TenantModel[];
}

/**
 * A problem of one instance at a path below it (e.g. `["extraVolumeMounts", 0, "mountPath"]`).
 * The runner places it under the instance, or under `defaults` when the value is inherited.
 */
export interface InstanceProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * One class of refusal. A check is small and pure, lives in its own file and is registered
 * in checks/index.ts; each problem names the config path and the fix.
 */
export interface ConfigCheck {
  /** Stable id, e.g. `config-namespaces`. */
  readonly id: string;
  /** What it refuses, as one sentence for docs/config.md ("What is refused"). */
  readonly refuses: string;
  /** A check of the whole stack; its problems carry full config paths. */
  readonly stack?: (context: CheckContext) => ConfigProblem[];
  /** A check of one validated instance (defaults merged in). */
  readonly instance?: (instance: InstanceModel, context: CheckContext) => InstanceProblem[];
}
