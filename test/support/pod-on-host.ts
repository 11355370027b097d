// Running a rendered pod's containers on this host, as the kubelet would start them: env values
// and secretKeyRefs resolved from the rendered Secrets, and each volume mount mapped to a host
// directory (in env values and command lines alike). Nothing else is translated.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Container, Manifest, VolumeMount } from "../backup-k8s/fixtures";

/** What the kubelet would put into a container's env: values, and secretKeyRefs resolved from Secrets. */
export function resolveEnv(container: Container, secrets: readonly Manifest[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      env[entry.name] = entry.value;
      continue;
    }
    const ref = entry.valueFrom?.secretKeyRef;
    assert.ok(ref !== undefined, `${container.name}: env ${entry.name} has neither a value nor a secretKeyRef`);
    const secret = secrets.find((s) => s.metadata.name === ref.name);
    assert.ok(secret !== undefined, `${container.name}: env ${entry.name} refers to Secret ${ref.name}, which the program does not create`);
    const stringData = secret.stringData as Record<string, string> | undefined;
    const data = secret.data as Record<string, string> | undefined;
    const encoded = data?.[ref.key];
    const value = stringData?.[ref.key] ?? (encoded !== undefined ? Buffer.from(encoded, "base64").toString("utf8") : undefined);
    assert.ok(value !== undefined, `Secret ${ref.name} has no key ${ref.key} (needed by ${entry.name})`);
    env[entry.name] = value;
  }
  return env;
}

/** Replaces each mount path (as a whole path, also inside `name=/path` lists) with its host dir, in one pass. */
export function mapPaths(value: string, mounts: ReadonlyMap<string, string>): string {
  if (mounts.size === 0) return value;
  const paths = [...mounts.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return value.replace(
    new RegExp(`(^|[=\\s])(${paths.join("|")})(?=$|[/\\s])`, "g"),
    (_, lead: string, path: string) => `${lead}${mounts.get(path)}`,
  );
}

/**
 * The host dir a mount shows: its volume's dir, or the `subPath` folder of it. A missing subPath
 * folder is made here, as the kubelet makes it when the container starts (as root, and so it
 * must already exist when the app's user is to own it).
 */
export function mountSource(container: Container, mount: VolumeMount, volumeDirs: ReadonlyMap<string, string>): string {
  const dir = volumeDirs.get(mount.name);
  assert.ok(dir !== undefined, `${container.name}: no host dir for volume ${mount.name}`);
  if (mount.subPath === undefined || mount.subPath === "") return dir;
  const folder = join(dir, mount.subPath);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** Host dirs for a container's mounts: mount path -> dir (volumes are shared by the containers of one pod). */
export function hostMounts(container: Container, volumeDirs: ReadonlyMap<string, string>): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) mounts.set(m.mountPath, mountSource(container, m, volumeDirs));
  return mounts;
}
