import type { InstanceModel } from "../config/model";
import { STATE_DIR } from "./ports";

/** A persistent volume whose contents are backed up, and where the app mounts it. */
export interface BackupSource {
  /** Folder name of this volume inside a snapshot (`data/<name>/…`). */
  readonly name: string;
  readonly claimName: string;
  /** Where the app container mounts it; backup pods mount it at the same path. */
  readonly mountPath: string;
}

/**
 * The persistent volumes of an instance that hold state worth backing up.
 * Empty when persistence is off (there is nothing durable to back up).
 */
export function backupSources(instance: InstanceModel): BackupSource[] {
  if (!instance.spec.persistence.enabled) return [];
  return [{ name: "state", claimName: instance.names.dataClaim, mountPath: STATE_DIR }];
}
