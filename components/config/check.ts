import type { BackupSpec } from "./backup-schema";
import type { InstanceSpec } from "./instance-schema";
import type { RawStackConfig } from "./raw-config";
import type { InstanceModel, TenantModel } from "./model";
import type { ConfigProblem } from "./problems";
import type { StackSpec } from "./stack-schema";

/** What every check sees once the schemas have run. */
export interface CheckContext {
  /** The config as read (values, which keys are secret, other namespaces' keys). */
  readonly raw: RawStackConfig;
  /** The validated stack; undefined when it failed its schema (those problems are reported already). */
  readonly stack?: StackSpec;
  /** Every tenant whose settings validated, with the instances whose settings validated. */
  readonly tenants: readonly TenantModel[];
  /**
   * Every instance whose settings validated, as written: `defaults` merged in, before `images`
   * rewrote its images (so a problem names the key the user set), those of a tenant that failed
   * its schema included.
   */
  readonly written: readonly WrittenInstance[];
}

/** One instance's settings as written (see CheckContext.written). */
export interface WrittenInstance {
  readonly tenant: string;
  readonly name: string;
  readonly spec: InstanceSpec;
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
 * The proof that a check fires: a minimal stack-config fragment it refuses, and a problem it
 * reports. test/config/check-registry.test.ts deep-merges `config` over a base stack that loads
 * clean and expects a problem at exactly `path` whose message matches `message`, which goes away
 * without this check. Base `minimal`: tenant `acme` with instance `bot` (image pinned), backups
 * off. Base `backup`: the same instance, plus tenant `globex` with instance `ops`, backing up to
 * an S3-compatible store with static keys and a passphrase (secrets `store-access-key`,
 * `store-secret-key`, `backup-passphrase`).
 */
export interface CheckExample {
  readonly base?: "minimal" | "backup";
  /** Merged over the base stack's values (objects key by key, anything else replaced). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Top-level keys Pulumi reports as secret; default: `secrets` when the stack has one. */
  readonly secretKeys?: readonly string[];
  /** Keys of other config namespaces (RawStackConfig.foreignKeys). */
  readonly foreignKeys?: readonly string[];
  /** The full config path of the problem, e.g. `tenants.acme.instances.bot.env.HOME`. */
  readonly path: string;
  /** The problem's message, or a part of it. */
  readonly message: string | RegExp;
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
  /** A config it refuses; the registry test proves with it that the check fires. */
  readonly example: CheckExample;
  /**
   * A rule between options of one instance's settings (defaults merged in, before `images`),
   * run with the instance schema: on `defaults` alone too (a problem there is reported once, at
   * `defaults`), and an instance with a problem is left out of the model like one that fails its
   * schema, so the builders and the other checks may rely on the rule.
   */
  readonly settings?: (spec: InstanceSpec) => InstanceProblem[];
  /**
   * A rule between options of the stack's `backup` block (paths below `backup`), run with its
   * schema: a stack with a problem fails its schema, so no check that reads the stack runs on it.
   */
  readonly backupSettings?: (backup: BackupSpec) => InstanceProblem[];
  /** A check of the whole stack; its problems carry full config paths. */
  readonly stack?: (context: CheckContext) => ConfigProblem[];
  /** A check of one validated instance (defaults merged in, images rewritten). */
  readonly instance?: (instance: InstanceModel, context: CheckContext) => InstanceProblem[];
}
