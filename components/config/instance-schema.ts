import { z } from "zod";
import { instanceBackupSchema } from "./instance-backup-schema";
import { cidr, dnsLabel, envVarName, imageDigest, imageTag, port, quantity, resourceRequirements } from "./primitives";

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/openclaw/openclaw";

const image = z
  .object({
    repository: z.string().min(1).default(DEFAULT_IMAGE_REPOSITORY),
    tag: imageTag.optional(),
    digest: imageDigest.optional(),
    pullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent"),
  })
  .strict()
  .prefault({})
  .superRefine((img, ctx) => {
    // A missing version is checked after `defaults` are merged in (load.ts), since either may set it.
    if (img.digest === undefined && img.tag === "latest") {
      ctx.addIssue({
        code: "custom",
        path: ["tag"],
        message: `"latest" is not a pinned version: set a release tag (e.g. 2026.11.1) or image.digest, so that a preview shows every upgrade`,
      });
    }
  });

const secretKeySelector = z.object({ name: dnsLabel("Secret name", 253), key: z.string().min(1) }).strict();

const gateway = z
  .object({
    /** Use an existing Secret for the gateway token instead of generating one. */
    existingSecret: secretKeySelector.optional(),
  })
  .strict()
  .prefault({});

const envFromSource = z
  .object({
    configMapRef: z.object({ name: z.string().min(1) }).strict().optional(),
    secretRef: z.object({ name: z.string().min(1) }).strict().optional(),
    prefix: z.string().optional(),
  })
  .strict()
  .refine((s) => (s.configMapRef === undefined) !== (s.secretRef === undefined), {
    message: "set exactly one of configMapRef or secretRef",
  });

const persistence = z
  .object({
    enabled: z.boolean().default(true),
    size: quantity.default("10Gi"),
    storageClass: z.string().min(1).optional(),
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]))
      .min(1)
      .default(["ReadWriteOnce"]),
    /** Keep the PVC (and the data) when the instance is removed from config. */
    orphan: z.boolean().default(true),
  })
  .strict()
  .prefault({});

const egressRule = z
  .object({
    cidrs: z.array(cidr).default([]),
    namespaces: z.array(dnsLabel("namespace name")).default([]),
    ports: z
      .array(z.object({ port, protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP") }).strict())
      .min(1, { message: "list at least one port; an egress rule without ports opens every port" }),
  })
  .strict();

const networkPolicy = z
  .object({
    enabled: z.boolean().default(true),
    allowedIngressNamespaces: z.array(dnsLabel("namespace name")).default([]),
    allowedIngressCIDRs: z.array(cidr).default([]),
    allowedEgressCIDRs: z.array(cidr).default([]),
    allowDNS: z.boolean().default(true),
    additionalEgress: z.array(egressRule).default([]),
  })
  .strict()
  .prefault({});

/**
 * One OpenClaw instance. Every field has a default or is optional, so the
 * same schema validates the stack-wide `defaults` block and each instance.
 */
export const instanceSchema = z
  .object({
    image,
    /** 0 stops the instance (and suspends its backup schedule) without deleting data. */
    replicas: z.number().int().min(0).max(1).default(1),
    config: z
      .object({ raw: z.record(z.string(), z.unknown()).default({}) })
      .strict()
      .prefault({}),
    gateway,
    env: z.record(envVarName, z.string()).default({}),
    envFrom: z.array(envFromSource).default([]),
    resources: resourceRequirements({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2000m", memory: "4Gi" },
    }),
    persistence,
    networkPolicy,
    backup: instanceBackupSchema,
  })
  .strict();

export type InstanceSpec = z.output<typeof instanceSchema>;
