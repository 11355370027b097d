/**
 * Every object name an instance's config refers to, wherever it is: our own
 * options (`persistence.existingClaim`, `gateway.existingSecret`, `caBundle`,
 * `tailscale.authKeySecretRef`, `ingress.tls[].secretName`, …) and the
 * Kubernetes shapes passed through as written (env and envFrom of the app,
 * sidecars and init containers, volumes of every kind, projected sources, an
 * ephemeral claim's `dataSource`, a CSI driver's secret refs). Kubernetes
 * shapes are recognised by key, so a field added to a pass-through type later
 * is covered too. The one resolver (resolve.ts) checks each against the
 * ownership registry.
 */

export type ReferenceKind = "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "VolumeSnapshot" | "ServiceAccount" | "object";

export interface ObjectReference {
  readonly kind: ReferenceKind;
  readonly name: string;
  /** Below the instance, e.g. `["env", "KEY", "secretKeyRef", "name"]`. */
  readonly path: readonly (string | number)[];
}

/** String-valued keys that name an object of a known kind. */
const STRING_KEYS: Readonly<Record<string, ReferenceKind>> = {
  existingClaim: "PersistentVolumeClaim",
  claimName: "PersistentVolumeClaim",
  existingSecret: "Secret",
  secretName: "Secret",
  configMapName: "ConfigMap",
  serviceAccountName: "ServiceAccount",
};

/** Object-valued keys whose `name` names an object of a known kind. */
const OBJECT_KEYS: Readonly<Record<string, ReferenceKind>> = {
  secretKeyRef: "Secret",
  secretRef: "Secret",
  existingSecret: "Secret",
  secret: "Secret",
  configMapKeyRef: "ConfigMap",
  configMapRef: "ConfigMap",
  configMap: "ConfigMap",
};

/** Annotations whose value names an object (`<name>` or `<namespace>/<name>`) that the ingress controller reads for the instance. */
export const OBJECT_ANNOTATIONS: Readonly<Record<string, ReferenceKind>> = {
  "nginx.ingress.kubernetes.io/auth-secret": "Secret",
  "nginx.ingress.kubernetes.io/auth-tls-secret": "Secret",
  "nginx.ingress.kubernetes.io/proxy-ssl-secret": "Secret",
  "nginx.ingress.kubernetes.io/auth-proxy-set-headers": "ConfigMap",
  "nginx.ingress.kubernetes.io/custom-headers": "ConfigMap",
  "nginx.ingress.kubernetes.io/default-backend": "object",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function objectKind(key: string, child: Record<string, unknown>): ReferenceKind | undefined {
  if (typeof child.name !== "string") return undefined;
  if (key in OBJECT_KEYS) return OBJECT_KEYS[key];
  if (key === "dataSource" || key === "dataSourceRef")
    return child.kind === "VolumeSnapshot"
      ? "VolumeSnapshot"
      : child.kind === "PersistentVolumeClaim" || child.kind === undefined
        ? "PersistentVolumeClaim"
        : "object";
  if (key.endsWith("SecretRef")) return "Secret";
  if (key.endsWith("Ref")) return "object";
  return undefined;
}

/** Every object reference in `value` (an instance spec, or any part of it), with its path. */
export function objectReferences(value: unknown, path: (string | number)[] = []): ObjectReference[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectReferences(item, [...path, i]));
  if (!isObject(value)) return [];
  const out: ObjectReference[] = [];
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, key];
    if (key === "annotations" && isObject(child)) {
      for (const [annotation, value] of Object.entries(child)) {
        const kind = OBJECT_ANNOTATIONS[annotation];
        if (kind !== undefined && typeof value === "string") out.push({ kind, name: value.trim(), path: [...at, annotation] });
      }
      continue;
    }
    if (typeof child === "string" && key in STRING_KEYS) {
      const kind = STRING_KEYS[key];
      if (kind !== undefined) out.push({ kind, name: child, path: at });
    } else if (key === "pullSecrets" && Array.isArray(child))
      child.forEach((name, i) => typeof name === "string" && out.push({ kind: "Secret", name, path: [...at, i] }));
    else if (isObject(child)) {
      const kind = objectKind(key, child);
      if (kind !== undefined) out.push({ kind, name: child.name as string, path: [...at, "name"] });
    }
    out.push(...objectReferences(child, at));
  }
  return out;
}

const joined = (path: readonly (string | number)[]) => path.join(".");

/**
 * Positions that stand for one instance alone: its volumes (a claim mounted by
 * two instances is one instance's data read by another) and its gateway token
 * (whoever holds it can talk to the gateway). A user-named object used in one
 * of them is claimed by that instance: no other instance may refer to it.
 */
export function isExclusive(ref: ObjectReference): boolean {
  return ref.kind === "PersistentVolumeClaim" || ref.kind === "VolumeSnapshot" || joined(ref.path) === "gateway.existingSecret.name";
}

/** The state and workspace volumes, and Ollama's model cache: one claim each, never the same. */
export const VOLUME_POSITIONS = ["persistence.existingClaim", "workspaceVolume.existingClaim", "ollama.storage.existingClaim"];

/**
 * Options that replace an object the program would write for the instance:
 * naming that very object (the program deletes it when the option is set) is a mistake.
 */
export function replacesOwn(ref: ObjectReference): boolean {
  return ["config.configMapRef.name", "gateway.existingSecret.name", "ingress.security.basicAuth.existingSecret"].includes(
    joined(ref.path),
  );
}
