import { z } from "zod";

/**
 * Per-instance backup settings. Set them once for the fleet under
 * `defaults.backup`, and override per instance.
 */
export const instanceBackupSchema = z
  .object({
    enabled: z.boolean().default(true),
  })
  .strict()
  .prefault({});

export type InstanceBackupSpec = z.output<typeof instanceBackupSchema>;
