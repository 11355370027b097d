import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type { InstanceModel } from "../../config/model";
import { instanceMetadata } from "../kube/metadata";
import { featureNames } from "../../config/feature-names";

/**
 * ConfigMap keys allow only `[-._a-zA-Z0-9]`, so each file gets a key derived
 * from its path, and the volume's `items` map the key back to the path.
 */
export function workspaceSeedKey(path: string): string {
  return `file-${createHash("sha256").update(path).digest("hex").slice(0, 16)}`;
}

export function workspaceSeedItems(instance: InstanceModel): { key: string; path: string }[] {
  return Object.keys(instance.spec.workspace.initialFiles)
    .sort()
    .map((path) => ({ key: workspaceSeedKey(path), path }));
}

/** The initial workspace files; undefined when there are none. */
export function buildWorkspaceConfigMap(instance: InstanceModel): k8s.types.input.core.v1.ConfigMap | undefined {
  const files = instance.spec.workspace.initialFiles;
  if (Object.keys(files).length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: instanceMetadata(instance, featureNames(instance).workspaceConfigMap),
    data: Object.fromEntries(
      workspaceSeedItems(instance).map(({ key, path }) => {
        const content = files[path];
        if (content === undefined) throw new Error(`workspace file ${path} has no content`);
        return [key, content];
      }),
    ),
  };
}
