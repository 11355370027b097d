import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../../config/model";
import { workspaceSeedItems } from "../workspace-config-map";
import { featureNames } from "../../../config/feature-names";
import { appUsesTailscaleSocket } from "./app-container";
import { stateClaimName, workspaceClaimName } from "../../kube/volumes";

type Volume = k8s.types.input.core.v1.Volume;

/**
 * Bounds of the program's scratch volumes. A pod whose emptyDir outgrows its
 * sizeLimit is evicted instead of filling the node's disk for every other
 * tenant's pods on it.
 */
export const SCRATCH_LIMITS = {
  home: "2Gi",
  tmp: "1Gi",
  "tailscale-socket": "1Mi",
  "tailscale-bin": "128Mi",
  "tailscale-tmp": "64Mi",
  "chromium-tmp": "2Gi",
  "ollama-tmp": "1Gi",
  "web-terminal-tmp": "256Mi",
  "metrics-tmp": "256Mi",
} as const;

const emptyDir = (name: keyof typeof SCRATCH_LIMITS): Volume => ({ name, emptyDir: { sizeLimit: SCRATCH_LIMITS[name] } });
const READABLE = 0o644;

/** Every volume of the pod: the program's, then the user's sidecarVolumes and extraVolumes. */
export function podVolumes(instance: InstanceModel): Volume[] {
  const spec = instance.spec;
  const volumes: Volume[] = [{ name: "config", configMap: { name: instance.names.configMap, defaultMode: READABLE } }];
  if (spec.config.configMapRef !== undefined)
    volumes.push({ name: "config-ref", configMap: { name: spec.config.configMapRef.name, defaultMode: READABLE } });
  const seed = workspaceSeedItems(instance);
  if (seed.length > 0)
    volumes.push({
      name: "workspace-seed",
      configMap: { name: featureNames(instance).workspaceConfigMap, defaultMode: READABLE, items: seed },
    });
  volumes.push(emptyDir("home"), emptyDir("tmp"));

  const state = stateClaimName(instance);
  // Without persistence the state lives on the node's disk, bounded like the volume it replaces.
  volumes.push(
    state !== undefined
      ? { name: "state", persistentVolumeClaim: { claimName: state } }
      : { name: "state", emptyDir: { sizeLimit: spec.persistence.size } },
  );
  const workspace = workspaceClaimName(instance);
  if (workspace !== undefined) volumes.push({ name: "workspace", persistentVolumeClaim: { claimName: workspace } });

  if (spec.caBundle !== undefined) {
    const items = [{ key: spec.caBundle.key, path: spec.caBundle.key }];
    volumes.push(
      spec.caBundle.configMapName !== undefined
        ? { name: "ca-bundle", configMap: { name: spec.caBundle.configMapName, items, defaultMode: READABLE } }
        : { name: "ca-bundle", secret: { secretName: spec.caBundle.secretName, items, defaultMode: READABLE } },
    );
  }
  if (spec.tailscale.enabled) volumes.push(emptyDir("tailscale-socket"), emptyDir("tailscale-tmp"));
  if (appUsesTailscaleSocket(instance)) volumes.push(emptyDir("tailscale-bin"));
  if (spec.chromium.enabled)
    volumes.push(emptyDir("chromium-tmp"), { name: "chromium-shm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } });
  if (spec.ollama.enabled) {
    const storage = spec.ollama.storage;
    volumes.push(
      storage.existingClaim !== undefined
        ? { name: "ollama-models", persistentVolumeClaim: { claimName: storage.existingClaim } }
        : { name: "ollama-models", emptyDir: { sizeLimit: storage.sizeLimit } },
      emptyDir("ollama-tmp"),
    );
  }
  if (spec.webTerminal.enabled) volumes.push(emptyDir("web-terminal-tmp"));
  if (spec.observability.metrics.enabled) volumes.push(emptyDir("metrics-tmp"));
  volumes.push(...[...spec.sidecarVolumes, ...spec.extraVolumes].map((v) => ({ ...v })));
  return volumes;
}
