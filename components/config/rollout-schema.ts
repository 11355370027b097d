import { z } from "zod";

/** `25%`: a share of a tenant's instances. */
const percentage = z.string().regex(/^([1-9]\d?|100)%$/, { message: 'is not a percentage from 1% to 100% (e.g. "25%")' });

/**
 * How a change that touches many instances (an image bump in `defaults`, a
 * new env value) reaches the fleet: in waves, each one done (stopped, backed
 * up, updated, Ready) before the next starts, stopping at the first failure.
 */
export const rolloutSchema = z
  .object({
    /** Instances (`<tenant>/<instance>`) that form the first wave on their own: the canaries. */
    canary: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, { message: "is not <tenant>/<instance>" })).default([]),
    /**
     * At most this many instances of one tenant in a wave: a count, or a share of the tenant's
     * instances (rounded up, at least 1). The default keeps three quarters of every tenant up.
     */
    maxPerTenant: z.union([z.number().int().min(1), percentage]).default("25%"),
    /** At most this many instances in a wave across the fleet (also bounds concurrent backups to the store); default: no cap. */
    maxPerWave: z.number().int().min(1).optional(),
    /**
     * The longest a deploy job may run, in minutes: a config whose worst-case `pulumi up` (see
     * docs/runbooks/upgrade-the-fleet.md) does not fit is refused. 360 is the limit of a
     * GitHub-hosted runner; raise it for a self-hosted one.
     */
    maxDeployMinutes: z.number().int().min(10).max(7200).default(360),
  })
  .strict()
  .prefault({});

export type RolloutSpec = z.output<typeof rolloutSchema>;
