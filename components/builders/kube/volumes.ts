import type { InstanceModel } from "../../config/model";
import { featureNames } from "../../config/feature-names";
import { STATE_DIR, STATE_FOLDER, WORKSPACE_DIR } from "../../config/ports";

/** A persistent volume whose contents are backed up, and where the app mounts it. */
export interface BackupSource {
  /** Folder name of this volume inside a snapshot (`data/<name>/…`). */
  readonly name: string;
  readonly claimName: string;
  /** Where the app container mounts it. */
  readonly mountPath: string;
  /**
   * The folder of the volume the app mounts (`subPath`), when not its root. Backup pods mount
   * the root and the engine finds the folder (OCB_SOURCE_SUBDIRS), also on a volume that still
   * holds its data at the root (the layout before the folder).
   */
  readonly folder?: string;
}

/** The PVC holding `~/.openclaw`: the existing claim, the one this program creates, or none (emptyDir). */
export function stateClaimName(instance: InstanceModel): string | undefined {
  const p = instance.spec.persistence;
  if (!p.enabled) return undefined;
  return p.existingClaim ?? instance.names.dataClaim;
}

/** The PVC holding `~/.openclaw/workspace` when the workspace has its own volume. */
export function workspaceClaimName(instance: InstanceModel): string | undefined {
  const w = instance.spec.workspaceVolume;
  if (!w.enabled) return undefined;
  return w.existingClaim ?? featureNames(instance).workspaceClaim;
}

/**
 * The persistent volumes of an instance that hold state worth backing up:
 * the state volume and, when split off, the workspace volume. Empty when
 * nothing is persistent.
 */
export function backupSources(instance: InstanceModel): BackupSource[] {
  const sources: BackupSource[] = [];
  const state = stateClaimName(instance);
  if (state !== undefined) sources.push({ name: "state", claimName: state, mountPath: STATE_DIR, folder: STATE_FOLDER });
  const workspace = workspaceClaimName(instance);
  if (workspace !== undefined) sources.push({ name: "workspace", claimName: workspace, mountPath: WORKSPACE_DIR });
  return sources;
}
