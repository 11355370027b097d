import { z } from "zod";
import { METADATA_BLOCKS } from "../egress-blocks";
import { strictlyInside } from "../cidr";
import { annotationMap, cidr, dnsLabel, port } from "../primitives";

function insideMetadata(c: string): boolean {
  return METADATA_BLOCKS.some((b) => b === c || strictlyInside(c, b));
}

const RESTRICTED = "the tenant namespace enforces the restricted Pod Security Standard";

/** Pod-level identity. Defaults are the operator's (UID/GID 1000, the `node` user of the OpenClaw image). */
export const podSecurityContext = z
  .object({
    runAsUser: z
      .number()
      .int()
      .min(1, { message: `UID 0 (root) is rejected: ${RESTRICTED}; use a non-root UID such as 1000` })
      .default(1000),
    runAsGroup: z.number().int().min(0).default(1000),
    fsGroup: z.number().int().min(0).default(1000),
    /** `OnRootMismatch` skips the recursive chown of a large volume on every start. */
    fsGroupChangePolicy: z.enum(["OnRootMismatch", "Always"]).default("OnRootMismatch"),
    runAsNonRoot: z
      .boolean()
      .refine((v) => v, { message: `must be true: ${RESTRICTED}` })
      .default(true),
  })
  .strict()
  .prefault({});

export const containerSecurityContext = z
  .object({
    allowPrivilegeEscalation: z
      .boolean()
      .refine((v) => !v, { message: `must be false: ${RESTRICTED}` })
      .default(false),
    /** The state volume, /tmp and $HOME are writable; everything else is read-only. */
    readOnlyRootFilesystem: z.boolean().default(true),
    capabilities: z
      .object({
        add: z
          .array(z.string().refine((c) => c === "NET_BIND_SERVICE", { message: `only NET_BIND_SERVICE may be added: ${RESTRICTED}` }))
          .default([]),
      })
      .strict()
      .prefault({}),
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
  .strict()
  .superRefine((rule, ctx) => {
    rule.cidrs.forEach((c, i) => {
      if (insideMetadata(c))
        ctx.addIssue({
          code: "custom",
          path: ["cidrs", i],
          message: `${c} is a link-local or metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::/32), which hands out cloud credentials: no rule may reach it`,
        });
    });
  });

export const networkPolicy = z
  .object({
    enabled: z.boolean().default(true),
    allowedIngressNamespaces: z.array(dnsLabel("namespace name")).default([]),
    allowedIngressCIDRs: z.array(cidr).default([]),
    /** Other instances of the same tenant that may connect to this one's gateway (nothing else in the namespace can). */
    allowedIngressInstances: z.array(dnsLabel("instance name")).default([]),
    /** Where HTTPS (443) may go; empty means the internet (every address but private, link-local and loopback ones). */
    allowedEgressCIDRs: z.array(cidr).default([]),
    /** Egress to the Kubernetes API server (cluster.kubernetes.apiServerCIDRs); needed with rbac.additionalRules. */
    allowAPIServer: z.boolean().default(false),
    allowDNS: z.boolean().default(true),
    additionalEgress: z.array(egressRule).default([]),
  })
  .strict()
  .prefault({});

const FORBIDDEN_VERBS = new Set(["*", "escalate", "bind", "impersonate"]);

const rbacRule = z
  .object({
    apiGroups: z.array(z.string()).min(1),
    resources: z
      .array(
        z
          .string()
          .min(1)
          .refine((r) => r !== "*", { message: `"*" grants every resource; list the resources the instance needs` }),
      )
      .min(1),
    verbs: z
      .array(
        z.string().refine((v) => !FORBIDDEN_VERBS.has(v), {
          error: (issue) =>
            `${JSON.stringify(issue.input)} would let the instance grant itself more rights; list plain verbs such as get, list, watch`,
        }),
      )
      .min(1),
    resourceNames: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const rbac = z
  .object({
    createServiceAccount: z.boolean().default(true),
    /** An existing ServiceAccount; only with createServiceAccount: false. */
    serviceAccountName: dnsLabel("ServiceAccount name", 253).optional(),
    serviceAccountAnnotations: annotationMap.default({}),
    /** Appended to the instance's Role. A non-empty list also mounts the ServiceAccount token, since the app then calls the API. */
    additionalRules: z.array(rbacRule).default([]),
  })
  .strict()
  .prefault({});

export const caBundle = z
  .object({
    configMapName: dnsLabel("ConfigMap name", 253).optional(),
    secretName: dnsLabel("Secret name", 253).optional(),
    key: z.string().min(1).default("ca-bundle.crt"),
  })
  .strict();
