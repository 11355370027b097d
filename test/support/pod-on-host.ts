// Running a rendered pod's containers on this host, as the kubelet would start them: env values
// and secretKeyRefs resolved from the rendered Secrets, and each volume mount mapped to a host
// directory (in env values and command lines alike). Nothing else is translated.
import assert from "node:assert/strict";
import type { Container, Manifest } from "../backup-k8s/fixtures";

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
    const value = stringData?.[ref.key] ?? (data?.[ref.key] !== undefined ? Buffer.from(data[ref.key], "base64").toString("utf8") : undefined);
    assert.ok(value !== undefined, `Secret ${ref.name} has no key ${ref.key} (needed by ${entry.name})`);
    env[entry.name] = value;
  }
  return env;
}

/** Replaces each mount path (as a whole path, also inside `name=/path` lists) with its host dir, in one pass. */
export function mapPaths(value: string, mounts: ReadonlyMap<string, string>): string {
  if (mounts.size === 0) return value;
  const paths = [...mounts.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return value.replace(new RegExp(`(^|[=\\s])(${paths.join("|")})(?=$|[/\\s])`, "g"), (_, lead: string, path: string) => `${lead}${mounts.get(path)}`);
}

/** Host dirs for a container's mounts: volume name -> dir (shared by the containers of one pod). */
export function hostMounts(container: Container, volumeDirs: ReadonlyMap<string, string>): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) {
    const dir = volumeDirs.get(m.name);
    assert.ok(dir !== undefined, `${container.name}: no host dir for volume ${m.name}`);
    mounts.set(m.mountPath, dir);
  }
  return mounts;
}

