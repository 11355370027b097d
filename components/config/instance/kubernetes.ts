import type * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { kubernetesTypeProblems } from "../kubernetes-schema";
import { dnsLabel, envVarName, imageRef, port, portName, quantity } from "../primitives";
import { closestMatch } from "../validators";

/**
 * Kubernetes types passed through to the pod as written (containers,
 * volumes, tolerations, affinity…). The option reference in docs/instance.md
 * documents them as one option each, not field by field: the Kubernetes API
 * reference is their documentation.
 */
const passthrough = new Map<z.core.$ZodType, string>();

export function kubernetesType<T extends z.core.$ZodType>(typeName: string, schema: T): T {
  passthrough.set(schema, typeName);
  return schema;
}

/** The Kubernetes type name of a pass-through schema, or undefined for our own options. */
export function passthroughTypeOf(schema: z.core.$ZodType): string | undefined {
  return passthrough.get(schema);
}

/**
 * A Kubernetes type passed through as written, checked against the official
 * Kubernetes OpenAPI schema (kubernetes-schema.ts): types, required fields,
 * enums, quantities and unknown fields, each at its own config path. Typing it
 * as the Kubernetes input type rests on that check.
 */
function opaque<T>(typeName: string): z.ZodType<T> {
  const schema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    for (const problem of kubernetesTypeProblems(typeName, value))
      ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
  });
  return kubernetesType(typeName, schema) as unknown as z.ZodType<T>;
}

/** A key that must not be set; the message says why and what to do instead. */
export function forbidden(message: string) {
  return z.custom<undefined>((value) => value === undefined, { message }).optional();
}

const RESTRICTED = "the tenant namespace enforces the restricted Pod Security Standard";

/** A container securityContext that stays within Pod Security `restricted`; missing fields get restricted defaults. */
export const restrictedSecurityContext = z
  .object({
    runAsUser: z
      .number()
      .int()
      .min(1, { message: `UID 0 (root) is rejected: ${RESTRICTED}; use a non-root UID such as 1000` })
      .optional(),
    runAsGroup: z.number().int().min(0).optional(),
    runAsNonRoot: z
      .boolean()
      .refine((v) => v, { message: `must be true: ${RESTRICTED}` })
      .optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    allowPrivilegeEscalation: z
      .boolean()
      .refine((v) => !v, { message: `must be false: ${RESTRICTED}` })
      .optional(),
    privileged: z
      .boolean()
      .refine((v) => !v, { message: `must be false: ${RESTRICTED}` })
      .optional(),
    capabilities: z
      .object({
        add: z
          .array(z.string().refine((c) => c === "NET_BIND_SERVICE", { message: `only NET_BIND_SERVICE may be added: ${RESTRICTED}` }))
          .optional(),
        drop: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const valueFrom = opaque<k8s.types.input.core.v1.EnvVarSource>("EnvVarSource");

export const envVar = z.object({ name: envVarName, value: z.string().optional(), valueFrom: valueFrom.optional() }).strict();

export const envFromSource = z
  .object({
    configMapRef: z
      .object({ name: dnsLabel("ConfigMap name", 253), optional: z.boolean().optional() })
      .strict()
      .optional(),
    secretRef: z
      .object({ name: dnsLabel("Secret name", 253), optional: z.boolean().optional() })
      .strict()
      .optional(),
    prefix: z.string().optional(),
  })
  .strict();

export const volumeMount = z
  .object({
    name: dnsLabel("volume name"),
    mountPath: z.string().startsWith("/", { message: "must be an absolute path" }),
    subPath: z
      .string()
      .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), {
        message: "must be a relative path inside the volume, without '..' (Kubernetes refuses one that leaves the volume)",
      })
      .optional(),
    readOnly: z.boolean().optional(),
  })
  .strict();

const containerPort = z
  .object({
    name: portName.optional(),
    containerPort: port,
    protocol: z.enum(["TCP", "UDP", "SCTP"]).optional(),
    hostPort: forbidden(`host ports are not allowed: ${RESTRICTED}`),
  })
  .strict();

const probe = opaque<k8s.types.input.core.v1.Probe>("Probe");

const STANDARD_RESOURCES = ["cpu", "memory", "ephemeral-storage"];
/** A resource name the scheduler knows: cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource `<domain>/<name>` (nvidia.com/gpu). */
const resourceName = z
  .string()
  .refine(
    (r) => STANDARD_RESOURCES.includes(r) || /^hugepages-[0-9]+[KMGT]i?$/.test(r) || /^[a-z0-9.-]+\.[a-z]+\/[A-Za-z0-9._-]+$/.test(r),
    {
      error: (issue) => {
        const hint = closestMatch(String(issue.input), STANDARD_RESOURCES);
        return `${JSON.stringify(issue.input)} is not a resource name${hint ? `; did you mean "${hint}"?` : ""} (cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource such as nvidia.com/gpu); an unknown name is ignored by the scheduler, so the limit you meant would not apply`;
      },
    },
  );

/** A user-supplied container (init container or sidecar). */
export const container = kubernetesType(
  "Container",
  z
    .object({
      name: dnsLabel("container name"),
      image: imageRef,
      imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional(),
      command: z.array(z.string()).optional(),
      args: z.array(z.string()).optional(),
      workingDir: z.string().optional(),
      env: z.array(envVar).optional(),
      envFrom: z.array(envFromSource).optional(),
      ports: z.array(containerPort).optional(),
      resources: z
        .object({ requests: z.record(resourceName, quantity).optional(), limits: z.record(resourceName, quantity).optional() })
        .strict()
        .optional(),
      volumeMounts: z.array(volumeMount).optional(),
      securityContext: restrictedSecurityContext.optional(),
      livenessProbe: probe.optional(),
      readinessProbe: probe.optional(),
      startupProbe: probe.optional(),
      lifecycle: opaque<k8s.types.input.core.v1.Lifecycle>("Lifecycle").optional(),
      /** `Always` in an init container makes it a native sidecar (Kubernetes ≥ 1.29). */
      restartPolicy: z.literal("Always").optional(),
    })
    .strict(),
);
export type ContainerSpec = z.output<typeof container>;

/** The volume sources Pod Security `restricted` allows; a volume sets exactly one (a settings check). */
export const ALLOWED_VOLUME_SOURCES = [
  "configMap",
  "secret",
  "emptyDir",
  "persistentVolumeClaim",
  "projected",
  "downwardAPI",
  "csi",
  "ephemeral",
] as const;
const notRestricted = (kind: string) =>
  forbidden(
    `${kind} volumes are not allowed: ${RESTRICTED}; use one of ${ALLOWED_VOLUME_SOURCES.join(", ")} (e.g. a PVC backed by your NFS CSI driver)`,
  );

/** A user-supplied volume, limited to the sources Pod Security `restricted` allows. */
export const volume = kubernetesType(
  "Volume",
  z
    .object({
      name: dnsLabel("volume name"),
      configMap: opaque<k8s.types.input.core.v1.ConfigMapVolumeSource>("ConfigMapVolumeSource").optional(),
      secret: opaque<k8s.types.input.core.v1.SecretVolumeSource>("SecretVolumeSource").optional(),
      emptyDir: opaque<k8s.types.input.core.v1.EmptyDirVolumeSource>("EmptyDirVolumeSource").optional(),
      persistentVolumeClaim:
        opaque<k8s.types.input.core.v1.PersistentVolumeClaimVolumeSource>("PersistentVolumeClaimVolumeSource").optional(),
      projected: opaque<k8s.types.input.core.v1.ProjectedVolumeSource>("ProjectedVolumeSource").optional(),
      downwardAPI: opaque<k8s.types.input.core.v1.DownwardAPIVolumeSource>("DownwardAPIVolumeSource").optional(),
      csi: opaque<k8s.types.input.core.v1.CSIVolumeSource>("CSIVolumeSource").optional(),
      ephemeral: opaque<k8s.types.input.core.v1.EphemeralVolumeSource>("EphemeralVolumeSource").optional(),
      hostPath: notRestricted("hostPath"),
      nfs: notRestricted("nfs"),
      iscsi: notRestricted("iscsi"),
      rbd: notRestricted("rbd"),
      cephfs: notRestricted("cephfs"),
      glusterfs: notRestricted("glusterfs"),
    })
    .strict(),
);
export type VolumeSpec = z.output<typeof volume>;

export const toleration = opaque<k8s.types.input.core.v1.Toleration>("Toleration");
export const affinity = opaque<k8s.types.input.core.v1.Affinity>("Affinity");
export const topologySpreadConstraint = opaque<k8s.types.input.core.v1.TopologySpreadConstraint>("TopologySpreadConstraint");

/** Label or annotation map. */
export const stringMap = z.record(z.string().min(1), z.string());
