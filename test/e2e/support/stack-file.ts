/**
 * A stack's `stacks/Pulumi.<stack>.yaml` in the project copy, edited the way
 * a user edits it: the secrets are set once with `pulumi config set --secret`
 * (so they are encrypted by the stack's own secrets provider), the rest of
 * the config is written as YAML between runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { Project } from "./pulumi";

export const NAMESPACE = "openclaw-fleet";

export type ConfigValues = Record<string, unknown>;

export class StackFile {
  private encrypted: Record<string, unknown> = {};
  private salt: string | undefined;

  constructor(
    private readonly project: Project,
    readonly stack: string,
  ) {}

  get path(): string {
    return join(this.project.dir, "stacks", `Pulumi.${this.stack}.yaml`);
  }

  /** Creates the stack and encrypts each secret into `openclaw-fleet:secrets`. */
  async init(secrets: Record<string, string>): Promise<void> {
    await this.project.ok(["stack", "init", this.stack]);
    for (const [name, value] of Object.entries(secrets)) {
      // The value goes on stdin, never on a command line.
      await this.project.ok(["config", "set", "--secret", "--path", `secrets.${name}`, "-s", this.stack], { input: value });
    }
    const file = parse(readFileSync(this.path, "utf8")) as { encryptionsalt?: string; config?: Record<string, unknown> };
    this.salt = file.encryptionsalt;
    this.encrypted = (file.config?.[`${NAMESPACE}:secrets`] as Record<string, unknown>) ?? {};
  }

  /** Replaces the stack's config (keys without the namespace), keeping its encrypted secrets. */
  write(values: ConfigValues): void {
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) config[`${NAMESPACE}:${key}`] = value;
    if (Object.keys(this.encrypted).length > 0) config[`${NAMESPACE}:secrets`] = this.encrypted;
    writeFileSync(this.path, stringify({ ...(this.salt !== undefined ? { encryptionsalt: this.salt } : {}), config }));
  }
}
