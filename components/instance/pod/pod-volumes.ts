import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { workspaceSeedItems } from "../builders/workspace-config-map";
import { featureNames } from "../names";
import { stateClaimName, workspaceClaimName } from "../volumes";

type Volume = k8s.types.input.core.v1.Volume;
const emptyDir = (name: string): Volume => ({ name, emptyDir: {} });
const READABLE = 0o644;

/** Every volume of the pod: the program's, then the user's sidecarVolumes and extraVolumes. */
export function podVolumes(instance: InstanceModel): Volume[] {
  const spec = instance.spec;
  const volumes: Volume[] = [{ name: "config", configMap: { name: instance.names.configMap, defaultMode: READABLE } }];
  if (spec.config.configMapRef !== undefined) volumes.push({ name: "config-ref", configMap: { name: spec.config.configMapRef.name, defaultMode: READABLE } });
  const seed = workspaceSeedItems(instance);
  if (seed.length > 0) volumes.push({ name: "workspace-seed", configMap: { name: featureNames(instance).workspaceConfigMap, defaultMode: READABLE, items: seed } });
  volumes.push(emptyDir("home"), emptyDir("tmp"));

  const state = stateClaimName(instance);
  volumes.push(state !== undefined ? { name: "state", persistentVolumeClaim: { claimName: state } } : emptyDir("state"));
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
  if (spec.tailscale.enabled) volumes.push(emptyDir("tailscale-socket"), emptyDir("tailscale-bin"), emptyDir("tailscale-tmp"));
  if (spec.chromium.enabled) volumes.push(emptyDir("chromium-tmp"), { name: "chromium-shm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } });
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
