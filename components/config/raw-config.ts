/** A stack's config as Pulumi hands it to the program: values by key, and which keys are secret. */
export interface RawStackConfig {
  /** The config namespace (the project name), e.g. `openclaw-fleet`. */
  readonly namespace: string;
  /** Values under the namespace, keyed without the `namespace:` prefix. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys (without prefix) whose values are Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
  /** Full keys of other config namespaces (`aws:region`, a misspelt `openclaw-flet:tenants`). */
  readonly foreignKeys?: readonly string[];
  /**
   * Leaves (as config paths) the stack file holds encrypted or in plain text. Pulumi tells the
   * program only which top-level keys hold a secret, so this comes from the file when there is one.
   */
  readonly leafSecrecy?: { readonly secure: ReadonlySet<string>; readonly plain: ReadonlySet<string> };
}
