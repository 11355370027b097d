import { z } from "zod";
import { backupSchema, tenantBackupSchema } from "./backup-schema";
import { imagesSchema } from "./images-schema";
import { instanceSchema } from "./instance-schema";
import { cidr, dns1035Label, dnsLabel, labelMap, positiveQuantity, quantity } from "./primitives";
import { rolloutSchema } from "./rollout-schema";

/** Instance names become parts of Kubernetes names such as `<instance>-backup` (CronJob names allow 52). */
export const MAX_INSTANCE_NAME = 40;
export const MAX_TENANT_NAME = 40;

const kubernetes = z
  .object({
    /** Path to a kubeconfig file; default: the ambient KUBECONFIG. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** Write manifests to this directory instead of talking to a cluster (`pulumi up` without a cluster). */
    renderYamlToDirectory: z.string().min(1).optional(),
    /** The API server's endpoint addresses (kubectl get endpoints kubernetes -n default): never reachable from an instance unless it sets networkPolicy.allowAPIServer. */
    apiServerCIDRs: z.array(cidr).default([]),
    /** More namespaces of the cluster's own (its controllers'), which no tenant may take; the built-in list is in docs/security.md. */
    reservedNamespaces: z.array(dnsLabel("namespace name")).default([]),
    /** The cluster's resolver, the one destination on port 53 every NetworkPolicy of the fleet admits. */
    dns: z
      .object({
        /** The namespace of the resolver's pods (CoreDNS or kube-dns). */
        namespace: dnsLabel("namespace name").default("kube-system"),
        /** The labels of the resolver's pods. */
        podLabels: labelMap.default({ "k8s-app": "kube-dns" }),
        /**
         * Resolver addresses outside the pod network: NodeLocal DNSCache's `169.254.20.10/32`, or a
         * resolver on the nodes' own addresses. A pod selector never matches them.
         */
        cidrs: z.array(cidr).default([]),
      })
      .strict()
      .refine((dns) => Object.keys(dns.podLabels).length > 0, {
        path: ["podLabels"],
        message: "must name at least one label: an empty selector would admit port 53 of every pod in the namespace",
      })
      .prefault({}),
  })
  .strict()
  .prefault({});

const eks = z
  .object({
    clusterName: z.string().min(1),
    /** ARN of the cluster's IAM OIDC provider (IRSA). */
    oidcProviderArn: z
      .string()
      .startsWith("arn:aws", { message: "must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/…)" })
      .optional(),
    /** The cluster's ARN (aws eks describe-cluster --query cluster.arn), for Pod Identity trust; looked up by name when unset. */
    clusterArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]+$/, {
        message: "is not an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>)",
      })
      .optional(),
    /** The cluster's OIDC issuer without https://, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC. */
    oidcIssuer: z.string().min(1).optional(),
  })
  .strict();

const cluster = z
  .object({
    kubernetes,
    eks: eks.optional(),
  })
  .strict()
  .prefault({});

const aws = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: "is not an AWS region (e.g. eu-west-1)" }),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const resourcePair = z.object({ cpu: positiveQuantity.optional(), memory: positiveQuantity.optional() }).strict();

const tenantSchema = z
  .object({
    /** Namespace for the tenant; default `openclaw-<tenant>`. */
    namespace: dnsLabel("namespace name").optional(),
    labels: labelMap.default({}),
    quota: z
      .object({
        requestsCpu: quantity.optional(),
        requestsMemory: quantity.optional(),
        limitsCpu: quantity.optional(),
        limitsMemory: quantity.optional(),
        requestsStorage: quantity.optional(),
        persistentVolumeClaims: z.number().int().min(0).optional(),
        pods: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    limitRange: z
      .object({ defaultRequest: resourcePair.optional(), default: resourcePair.optional(), max: resourcePair.optional() })
      .strict()
      .optional(),
    /** Per-tenant backup settings, e.g. the tenant's own static store keys. */
    backup: tenantBackupSchema,
    instances: z.record(dns1035Label("instance name", MAX_INSTANCE_NAME), z.unknown()).default({}),
  })
  .strict();

/** What the platform team allows one tenant beyond the safe defaults; outside `tenants`, so a tenant cannot grant it to itself. */
const tenantAllowance = z
  .object({
    /** Annotation keys (or prefixes ending in `*`) the tenant may set although they change routing or inject configuration (docs/security.md). */
    allowedAnnotations: z
      .array(z.string().regex(/^[A-Za-z0-9./_-]+\*?$/, { message: "is not an annotation key or a prefix ending in *" }))
      .default([]),
    /** Lets the tenant's instances set networkPolicy.enabled: false (their backup pods keep theirs). */
    allowNetworkPolicyOff: z.boolean().default(false),
    /**
     * Tenants whose backups this tenant's instances may restore or clone from (read only, one
     * source prefix each). A list, not a switch: allowing `acme` grants nothing of `initech`'s.
     */
    restoreFromTenants: z.array(dnsLabel("tenant name", MAX_TENANT_NAME)).default([]),
  })
  .strict();

/** The platform team's per-tenant allowances. */
const platform = z
  .object({
    tenants: z.record(dnsLabel("tenant name", MAX_TENANT_NAME), tenantAllowance).default({}),
  })
  .strict()
  .prefault({});

/**
 * The whole stack config, as read from `stacks/Pulumi.<stack>.yaml` under the
 * `openclaw-fleet:` namespace. Instances are validated separately (after the
 * stack-wide `defaults` are merged in), so here they are opaque.
 */
export const stackSchema = z
  .object({
    cluster,
    aws: aws.optional(),
    backup: backupSchema,
    defaults: z.record(z.string(), z.unknown()).default({}),
    tenants: z.record(dnsLabel("tenant name", MAX_TENANT_NAME), tenantSchema).default({}),
    /** How changes that touch many instances reach the fleet: canaries, then waves (docs/runbooks/upgrade-the-fleet.md). */
    rollout: rolloutSchema,
    /** Where every image comes from: a private registry for all of them, or one image replaced (air-gapped clusters, mirrors). */
    images: imagesSchema,
    /** What the platform team allows single tenants: annotations that change routing, instances without a NetworkPolicy, restores from other tenants' backups. */
    platform,
    /** Secret values, referenced elsewhere as `{ secretRef: <name> }`. */
    secrets: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type StackSpec = z.output<typeof stackSchema>;
export type PlatformSpec = z.output<typeof platform>;
export type TenantSpec = z.output<typeof tenantSchema>;
export { instanceSchema };
