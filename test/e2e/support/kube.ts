/**
 * Reading the control plane from a test: objects as JSON through kubectl,
 * waits with a deadline, and the Pod Security check of a pod template.
 */
import type { ControlPlane } from "./control-plane";
import { waitFor } from "./processes";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    creationTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export class Kube {
  constructor(readonly plane: ControlPlane) {}

  async list(kind: string, namespace?: string, selector?: string): Promise<KubeObject[]> {
    const args = [
      "get",
      kind,
      "-o",
      "json",
      ...(namespace !== undefined ? ["-n", namespace] : ["--all-namespaces"]),
      ...(selector !== undefined ? ["-l", selector] : []),
    ];
    return (JSON.parse(await this.plane.kubectl(args)) as { items: KubeObject[] }).items;
  }

  async get(kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return JSON.parse(
        await this.plane.kubectl(["get", kind, name, "-o", "json", ...(namespace !== undefined ? ["-n", namespace] : [])]),
      ) as KubeObject;
    } catch (error) {
      if (/NotFound|not found/.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    await waitFor(what, ready, { timeoutMs, intervalMs: 500 });
  }

  /**
   * Asks the API server to admit a Pod made of a pod template, without
   * creating it (server-side dry run): Pod Security admission enforces the
   * namespace's level on Pods, not on the workloads that make them.
   */
  async admitPodTemplate(
    namespace: string,
    owner: string,
    template: { metadata?: { labels?: Record<string, string> }; spec?: unknown },
  ): Promise<void> {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { generateName: `admission-check-`, namespace, labels: template.metadata?.labels ?? {} },
      spec: template.spec,
    };
    try {
      await this.plane.kubectl(["create", "--dry-run=server", "-o", "name", "-f", "-"], { input: JSON.stringify(pod) });
    } catch (error) {
      throw new Error(`the pod template of ${owner} is not admitted in ${namespace}: ${(error as Error).message}`);
    }
  }

  /** Events of a namespace with the given reason (e.g. FailedCreate). */
  async events(namespace: string, reason: string): Promise<string[]> {
    const events = (await this.list("events", namespace)) as (KubeObject & {
      reason?: string;
      message?: string;
      involvedObject?: { kind?: string; name?: string };
    })[];
    return events.filter((e) => e.reason === reason).map((e) => `${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.message}`);
  }
}

/** The pod template of a workload (StatefulSet, Job, CronJob), or undefined for other kinds. */
export function podTemplateOf(object: KubeObject): { metadata?: { labels?: Record<string, string> }; spec?: unknown } | undefined {
  const spec = object.spec as { template?: unknown; jobTemplate?: { spec?: { template?: unknown } } } | undefined;
  if (object.kind === "CronJob") return spec?.jobTemplate?.spec?.template as never;
  if (object.kind === "StatefulSet" || object.kind === "Job" || object.kind === "Deployment") return spec?.template as never;
  return undefined;
}
