// Stacks and accessors shared by the backup Kubernetes tests.
import type { RawStackConfig } from "../../components/config/load";
import { rawConfig } from "../support/stacks";

export const BUCKET = "openclaw-backups";
export const PASSPHRASE = "correct horse battery staple";
/** s3rver knows this one key pair (it checks the key id, not the signature); the rendered Secret carries it. */
export const S3RVER_KEY = "S3RVER";
export const MINIO = "http://minio.minio.svc.cluster.local:9000";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  securityContext?: Record<string, unknown>;
  resources?: Record<string, unknown>;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
  configMap?: { name: string };
  emptyDir?: Record<string, unknown>;
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
  securityContext?: Record<string, unknown>;
  affinity?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
  initContainers?: Container[];
  containers: Container[];
  volumes: Volume[];
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The pod spec of a CronJob or a Job. */
export function podOf(object: Manifest): PodSpec {
  type JobSpec = { template: { spec: PodSpec } };
  const spec = object.spec as JobSpec & { jobTemplate?: { spec: JobSpec } };
  const job = object.kind === "CronJob" ? spec.jobTemplate?.spec : spec;
  if (job === undefined) throw new Error(`${object.kind} ${object.metadata.name} has no job template`);
  return job.template.spec;
}

/**
 * One tenant `acme` with the instance `bot`, backing up to an in-cluster
 * MinIO with static keys and client-side encryption. `backup` is merged into
 * the instance's backup settings; `extra` into the stack.
 */
export function backupStack(
  backup: Record<string, unknown> = {},
  options: { instance?: Record<string, unknown>; extra?: Record<string, unknown>; tenant?: Record<string, unknown> } = {},
): RawStackConfig {
  return rawConfig({
    cluster: { kubernetes: { renderYamlToDirectory: "out" } },
    backup: {
      store: {
        kind: "s3Compatible",
        endpoint: MINIO,
        bucket: BUCKET,
        region: "us-east-1",
        provider: "Minio",
        credentials: { accessKeyId: { secretRef: "store-access-key" }, secretAccessKey: { secretRef: "store-secret-key" } },
      },
    },
    defaults: { image: { tag: "2026.9.6" }, backup: { encryption: { passphrase: { secretRef: "backup-passphrase" } } } },
    tenants: {
      acme: { ...options.tenant, instances: { bot: { ...options.instance, backup } } },
      globex: { instances: { ops: {} } },
    },
    secrets: { "store-access-key": S3RVER_KEY, "store-secret-key": S3RVER_KEY, "backup-passphrase": PASSPHRASE },
    ...options.extra,
  });
}

/** The one object of `kind` named `name` (throws, listing what there is, when not exactly one). */
export function objectNamed(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const [found, ...more] = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined || more.length > 0) {
    throw new Error(
      `expected one ${kind} ${name}, found ${found === undefined ? 0 : 1 + more.length} (${kind}s: ${
        objects
          .filter((o) => o.kind === kind)
          .map((o) => o.metadata.name)
          .join(", ") || "none"
      })`,
    );
  }
  return found;
}
