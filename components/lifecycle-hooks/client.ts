/**
 * LifecycleKube over @kubernetes/client-node, with the kubeconfig and
 * context the stack's Kubernetes provider uses (cluster.kubernetes), so the
 * hooks act on the cluster `pulumi up` deploys to and on no other. The
 * package is ESM and large: it is loaded on first use, never by a preview or
 * an offline render.
 */
import { APP_CONTAINER } from "../builders/instance/stateful-set";
import { ENGINE_CONTAINER } from "../builders/backup/pod-template";
import type { HookLog, JobState, LifecycleKube, V1CronJob, V1Job, WorkloadState } from "./kube";

/** Where the cluster is: the stack's `cluster.kubernetes` settings. */
export interface ClusterAccess {
  /** Path to a kubeconfig file; default: KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Field manager of every write, so `kubectl get -o yaml --show-managed-fields` says who scaled what. */
export const FIELD_MANAGER = "openclaw-fleet-lifecycle";

type ClientNode = typeof import("@kubernetes/client-node");

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 404;
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function selector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** A LifecycleKube for the cluster; the client is built on the first call. */
export function kubernetesLifecycleApi(access: ClusterAccess, log?: HookLog): LifecycleKube {
  let clients:
    | Promise<{
        k8s: ClientNode;
        apps: InstanceType<ClientNode["AppsV1Api"]>;
        batch: InstanceType<ClientNode["BatchV1Api"]>;
        core: InstanceType<ClientNode["CoreV1Api"]>;
      }>
    | undefined;
  const connect = () =>
    (clients ??= import("@kubernetes/client-node").then((k8s) => {
      const config = new k8s.KubeConfig();
      if (access.kubeconfig !== undefined) config.loadFromFile(access.kubeconfig);
      else config.loadFromDefault();
      if (access.context !== undefined) config.setCurrentContext(access.context);
      log?.info(`lifecycle hooks: Kubernetes context ${config.getCurrentContext()}`);
      return {
        k8s,
        apps: config.makeApiClient(k8s.AppsV1Api),
        batch: config.makeApiClient(k8s.BatchV1Api),
        core: config.makeApiClient(k8s.CoreV1Api),
      };
    }));
  const mergePatch = (k8s: ClientNode) => k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

  return {
    async readStatefulSet(namespace, name): Promise<WorkloadState | undefined> {
      const { apps } = await connect();
      const sts = await orUndefined(apps.readNamespacedStatefulSet({ namespace, name }));
      if (sts === undefined) return undefined;
      const appImage = sts.spec?.template.spec?.containers.find((c) => c.name === APP_CONTAINER)?.image;
      return {
        replicas: sts.spec?.replicas ?? 1,
        annotations: sts.metadata?.annotations ?? {},
        selector: sts.spec?.selector.matchLabels ?? {},
        ...(appImage !== undefined ? { appImage } : {}),
      };
    },
    async scaleStatefulSet(namespace, name, replicas) {
      const { k8s, apps } = await connect();
      await apps.patchNamespacedStatefulSetScale(
        { namespace, name, body: { spec: { replicas } }, fieldManager: FIELD_MANAGER },
        mergePatch(k8s),
      );
    },
    async annotateStatefulSet(namespace, name, annotations) {
      const { k8s, apps } = await connect();
      await apps.patchNamespacedStatefulSet(
        { namespace, name, body: { metadata: { annotations } }, fieldManager: FIELD_MANAGER },
        mergePatch(k8s),
      );
    },
    async countPods(namespace, labels) {
      const { core } = await connect();
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector(labels) });
      return pods.items.length;
    },
    async readCronJob(namespace, name): Promise<V1CronJob | undefined> {
      const { batch } = await connect();
      return orUndefined(batch.readNamespacedCronJob({ namespace, name }));
    },
    async createJob(namespace, job: V1Job) {
      const { batch } = await connect();
      await batch.createNamespacedJob({ namespace, body: job, fieldManager: FIELD_MANAGER });
    },
    async listClaims(namespace) {
      const { core } = await connect();
      const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
      return claims.items
        .map((c) => c.metadata?.name ?? "")
        .filter((n) => n !== "")
        .sort();
    },
    async readJob(namespace, name): Promise<JobState | undefined> {
      const { batch } = await connect();
      const job = await orUndefined(batch.readNamespacedJob({ namespace, name }));
      if (job === undefined) return undefined;
      const status = job.status ?? {};
      return {
        active: status.active ?? 0,
        succeeded: status.succeeded ?? 0,
        failed: status.failed ?? 0,
        conditions: (status.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
      };
    },
    async jobLogTail(namespace, jobName, lines) {
      const { core } = await connect();
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${jobName}` });
      const created = (pod: (typeof pods.items)[number]) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
      const newest = [...pods.items].sort((a, b) => created(b) - created(a))[0];
      const pod = newest?.metadata?.name;
      if (pod === undefined) return undefined;
      const text = await core.readNamespacedPodLog({ namespace, name: pod, container: ENGINE_CONTAINER, tailLines: lines });
      return text.trimEnd();
    },
  };
}
