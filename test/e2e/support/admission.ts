/**
 * Every object a stack renders, offered to the real API server without keeping it: a server-side
 * apply dry run with strict field validation (a misspelt or misplaced field is an error, not a
 * field the server silently drops) and warnings as errors (Pod Security's "would violate" on a
 * workload, a deprecated API version). Objects are only checked in namespaces that exist, so the
 * namespaces a stack names are created for real first, and removed after; namespaces that already
 * exist are left as they are. Custom resources of CRDs this cluster does not serve
 * (prometheus-operator, Traefik) are checked against their CRD schemas by `npm test` instead.
 */
import type { KubernetesManifest } from "../../../scripts/lib/manifests";
import type { ControlPlane } from "./control-plane";

const CRD_API_GROUPS = ["monitoring.coreos.com/", "traefik.io/"];
const FIELD_MANAGER = "e2e-admission";

const list = (items: readonly KubernetesManifest[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });

export interface AdmissionReport {
  /** Objects the API server accepted in the dry run. */
  readonly admitted: number;
  /** Custom resources left to the CRD schema tests, as `kind namespace/name`. */
  readonly customResources: string[];
}

export async function admitRendered(plane: ControlPlane, objects: readonly KubernetesManifest[]): Promise<AdmissionReport> {
  const isCustom = (o: KubernetesManifest) => CRD_API_GROUPS.some((group) => o.apiVersion.startsWith(group));
  const checked = objects.filter((o) => !isCustom(o));
  const existing = new Set(
    (await plane.kubectl(["get", "namespaces", "-o", "name"]))
      .split("\n")
      .map((line) => line.replace(/^namespace\//, ""))
      .filter(Boolean),
  );
  const rendered = new Map(checked.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name, o]));
  // A stack can place objects in namespaces it does not own (a shared monitoring namespace).
  const named = new Set(checked.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
  const toCreate = [...new Set([...rendered.keys(), ...named])].filter((n) => !existing.has(n));
  const created = toCreate.map((name) => rendered.get(name) ?? { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  try {
    if (created.length > 0) {
      await plane.kubectl(["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--warnings-as-errors", "-o", "name", "-f", "-"], {
        input: list(created),
      });
    }
    const out = await plane.kubectl(
      [
        "apply",
        "--server-side",
        "--dry-run=server",
        "--force-conflicts",
        "--validate=strict",
        `--field-manager=${FIELD_MANAGER}`,
        "--warnings-as-errors",
        "-o",
        "name",
        "-f",
        "-",
      ],
      { input: list(checked), timeoutMs: 120_000 },
    );
    const admitted = out.split("\n").filter(Boolean).length;
    if (admitted !== checked.length) throw new Error(`the API server answered for ${admitted} of ${checked.length} objects:\n${out}`);
    return { admitted, customResources: objects.filter(isCustom).map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`) };
  } finally {
    // Waited for: the next stack may name the same namespaces, and nothing goes into one being deleted.
    if (created.length > 0)
      await plane.kubectl(["delete", "namespace", "--wait=true", "--timeout=120s", ...created.map((n) => n.metadata.name)], {
        timeoutMs: 150_000,
      });
  }
}
