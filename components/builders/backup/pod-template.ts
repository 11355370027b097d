/**
 * The one pod template every backup pod of an instance runs with: the
 * scheduled backup, the restore, and the one-shot backups before a deletion
 * or an upgrade. The security context, identity, mounts and environment are
 * written here once, so a CronJob and a Job cannot drift apart.
 */
import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../config/labels";
import type { FleetModel, InstanceModel } from "../../config/model";
import { instanceIdentity, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../kube/pod-security";
import { imageReference } from "../instance/stateful-set";
import { withEphemeralRequest } from "../instance/pod/shared";
import { backupSources, type BackupSource } from "../kube/volumes";
import { identityMode } from "../../config/backup-schema";
import { CAPTURE_GUARD, SKIP_CONTAINERS_ANNOTATION } from "./capture-isolation";
import { ENGINE_CONFIG_MAP } from "./engine-config-map";
import { ENGINE_ENTRYPOINT, ENGINE_ENV, SQLITE_SNAPSHOT_SCRIPT, formatSources, type SnapshotKind } from "./engine";
import { backupPodLabels } from "./labels";
import { PASSPHRASE_KEYS, passphraseSecretName } from "./passphrase-secret";
import { BACKUP_EPHEMERAL_STORAGE, sourcesSize, TMP_LIMIT } from "./scratch";
import { backupStoreEnv } from "./store-env";
import type { BackupStoreRef } from "../store/ref";

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/**
 * Where backup pods mount each source volume: `<SOURCES_DIR>/<source name>`.
 * Not the app's paths, on purpose: the app mounts a separate workspace volume
 * inside the state volume, and nested mounts would put the workspace into the
 * state snapshot twice and make a restore try to move a mount point aside.
 */
export const SOURCES_DIR = "/var/lib/openclaw-backup/sources";
/** Where the engine ConfigMap is mounted (read-only). */
export const ENGINE_MOUNT = "/opt/openclaw-backup";
/** Scratch space of the engine: staging of changed files, listings, rclone's cache. */
export const WORK_DIR = "/var/lib/openclaw-backup/work";
/** Consistent SQLite copies made by the init container, read by the engine. */
export const SQLITE_STAGING_DIR = "/var/lib/openclaw-backup/sqlite";

export const ENGINE_CONTAINER = "engine";
export const SQLITE_CONTAINER = "sqlite-snapshot";

/** What a backup pod does. */
export type BackupRun =
  | { readonly command: "backup"; readonly kind: SnapshotKind }
  /** `from` is the engine's OCB_RESTORE_FROM value (see restore-source.ts). */
  | { readonly command: "restore"; readonly from: string }
  | { readonly command: "prune" }
  | { readonly command: "verify"; readonly snapshot?: string };

export interface BackupPodArgs {
  readonly fleet: FleetModel;
  readonly instance: InstanceModel;
  readonly store: BackupStoreRef;
  readonly run: BackupRun;
  /**
   * `with-instance`: the instance pod is running and holds the RWO volume, so
   * the backup pod must land on its node (required affinity). `near-instance`:
   * the instance may not run (restore before first start, backup after scale
   * down), so its node is only preferred.
   */
  readonly placement: "with-instance" | "near-instance";
}

const volumeName = (source: BackupSource) => `source-${source.name}`;
const sourceDir = (source: BackupSource) => `${SOURCES_DIR}/${source.name}`;

function sourceMounts(sources: readonly BackupSource[], readOnly: boolean): VolumeMount[] {
  return sources.map((s) => ({ name: volumeName(s), mountPath: sourceDir(s), ...(readOnly ? { readOnly: true } : {}) }));
}

const engineMount: VolumeMount = { name: "engine", mountPath: ENGINE_MOUNT, readOnly: true };
const workMount: VolumeMount = { name: "work", mountPath: WORK_DIR };
const sqliteMount: VolumeMount = { name: "sqlite-staging", mountPath: SQLITE_STAGING_DIR };
const tmpMount: VolumeMount = { name: "tmp", mountPath: "/tmp" };
const sqliteTmpMount: VolumeMount = { name: "sqlite-tmp", mountPath: "/tmp" };

function secretEnv(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** OCB_SOURCES: each volume by its snapshot folder name, where the backup pod mounts it. */
export function sourcesEnv(sources: readonly BackupSource[]): string {
  return formatSources(Object.fromEntries(sources.map((s) => [s.name, sourceDir(s)])));
}

/** OCB_SOURCE_SUBDIRS: the folder of each source's volume that holds its data, for the sources that have one. */
export function sourceSubdirsEnv(sources: readonly BackupSource[]): string {
  return sources.flatMap((s) => (s.folder !== undefined ? [`${s.name}=${s.folder}`] : [])).join(" ");
}

/** Where each source's volume is mounted, and the folder of it the data is in: the engine and the SQLite capture read both. */
function sourceEnv(sources: readonly BackupSource[]): EnvVar[] {
  const folders = sourceSubdirsEnv(sources);
  return [
    { name: ENGINE_ENV.sources, value: sourcesEnv(sources) },
    ...(folders !== "" ? [{ name: ENGINE_ENV.sourceSubdirs, value: folders }] : []),
  ];
}

/** The engine's settings for this instance and run (the store's come from backupStoreEnv). */
function engineEnv(instance: InstanceModel, sources: readonly BackupSource[], run: BackupRun): EnvVar[] {
  const backup = instance.spec.backup;
  const env: EnvVar[] = [
    ...sourceEnv(sources),
    { name: ENGINE_ENV.excludes, value: backup.excludes.join("\n") },
    { name: ENGINE_ENV.retentionKeepLast, value: String(backup.retention.keepLast) },
    { name: ENGINE_ENV.retentionMaxAgeDays, value: String(backup.retention.maxAgeDays) },
    { name: ENGINE_ENV.incompleteGraceHours, value: String(backup.retention.incompleteGraceHours) },
    { name: ENGINE_ENV.workDir, value: WORK_DIR },
  ];
  if (backup.encryption !== undefined) {
    const secret = passphraseSecretName(instance);
    env.push(secretEnv(ENGINE_ENV.cryptPassword, secret, PASSPHRASE_KEYS.passphrase));
    if (backup.encryption.salt !== undefined) env.push(secretEnv(ENGINE_ENV.cryptPassword2, secret, PASSPHRASE_KEYS.salt));
  }
  switch (run.command) {
    case "backup":
      env.push({ name: ENGINE_ENV.kind, value: run.kind }, { name: ENGINE_ENV.sqliteStaging, value: SQLITE_STAGING_DIR });
      break;
    case "restore":
      env.push(
        { name: ENGINE_ENV.restoreFrom, value: run.from },
        // Restored files belong to the app's own user, whatever it is configured to be.
        { name: ENGINE_ENV.restoreUid, value: String(instanceIdentity(instance.spec).uid) },
        { name: ENGINE_ENV.restoreGid, value: String(instanceIdentity(instance.spec).gid) },
      );
      break;
    case "verify":
    case "prune":
      break;
  }
  return env;
}

function resources(instance: InstanceModel): k8s.types.input.core.v1.ResourceRequirements {
  const r = instance.spec.backup.resources;
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/**
 * SQLite databases are captured with SQLite itself (VACUUM INTO), never by
 * copying a live file and its -wal. The rclone image has no SQLite, so this
 * runs first on the app's own image (Node 22.5+, node:sqlite): the very SQLite
 * build that writes the databases reads them. It opens them read-write as
 * any WAL reader must (for the -shm index), so the volume is writable here
 * and only here.
 */
function sqliteSnapshotContainer(instance: InstanceModel, sources: readonly BackupSource[]): Container {
  return {
    name: SQLITE_CONTAINER,
    image: imageReference(instance.spec.image),
    imagePullPolicy: instance.spec.image.pullPolicy,
    command: ["node", "--input-type=module", "-e", CAPTURE_GUARD, `${ENGINE_MOUNT}/${SQLITE_SNAPSHOT_SCRIPT}`],
    env: [...sourceEnv(sources), { name: ENGINE_ENV.sqliteStaging, value: SQLITE_STAGING_DIR }],
    resources: withEphemeralRequest(resources(instance), BACKUP_EPHEMERAL_STORAGE),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [...sourceMounts(sources, false), engineMount, sqliteMount, sqliteTmpMount],
  };
}

function engineContainer(args: BackupPodArgs, sources: readonly BackupSource[]): Container {
  const { fleet, instance, store, run } = args;
  const backup = instance.spec.backup;
  // Only a restore writes to the volume; everything else gets it read-only, so an engine bug cannot damage state.
  const writes = run.command === "restore";
  const mounts = [...sourceMounts(sources, !writes), engineMount, workMount, tmpMount];
  if (run.command === "backup") mounts.push({ ...sqliteMount, readOnly: true });
  return {
    name: ENGINE_CONTAINER,
    image: `${backup.image.repository}@${backup.image.digest}`,
    imagePullPolicy: backup.image.pullPolicy,
    // The image's entrypoint is rclone; the engine is a POSIX sh script from the ConfigMap.
    command: ["/bin/sh", `${ENGINE_MOUNT}/${ENGINE_ENTRYPOINT}`],
    args: run.command === "verify" && run.snapshot !== undefined ? ["verify", run.snapshot] : [run.command],
    env: [...backupStoreEnv({ fleet, instance, store }), ...engineEnv(instance, sources, run)],
    resources: withEphemeralRequest(resources(instance), BACKUP_EPHEMERAL_STORAGE),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: mounts,
  };
}

function volumes(instance: InstanceModel, sources: readonly BackupSource[], run: BackupRun): Volume[] {
  const out: Volume[] = sources.map((s) => ({ name: volumeName(s), persistentVolumeClaim: { claimName: s.claimName } }));
  out.push(
    { name: "engine", configMap: { name: ENGINE_CONFIG_MAP, defaultMode: 0o444 } },
    { name: "work", emptyDir: { sizeLimit: sourcesSize(instance) } },
    { name: "tmp", emptyDir: { sizeLimit: TMP_LIMIT } },
  );
  // The capture container's own /tmp: nothing it leaves there reaches the engine container.
  if (run.command === "backup")
    out.push(
      { name: "sqlite-staging", emptyDir: { sizeLimit: sourcesSize(instance) } },
      { name: "sqlite-tmp", emptyDir: { sizeLimit: TMP_LIMIT } },
    );
  return out;
}

/**
 * Beside the instance pod, on a node it may use: the instance's node affinity is kept (its
 * pod affinity and anti-affinity are about instance pods, not this one).
 */
function affinity(instance: InstanceModel, placement: BackupPodArgs["placement"]): k8s.types.input.core.v1.Affinity {
  const term = {
    labelSelector: { matchLabels: selectorLabels(instance.tenant, instance.name) },
    topologyKey: "kubernetes.io/hostname",
  };
  const nodeAffinity = instance.spec.availability.affinity?.nodeAffinity;
  return {
    ...(nodeAffinity !== undefined ? { nodeAffinity } : {}),
    podAffinity:
      placement === "with-instance"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

/**
 * The instance's nodes and registry credentials: on a cluster whose OpenClaw nodes are
 * tainted or labelled apart, a backup pod without them never schedules (a restore before the
 * first start waits forever), and a backup image mirrored to the instance's private registry
 * needs its pull secrets.
 */
function nodePlacement(
  instance: InstanceModel,
): Pick<k8s.types.input.core.v1.PodSpec, "nodeSelector" | "tolerations" | "imagePullSecrets"> {
  const { availability, image } = instance.spec;
  return {
    ...(Object.keys(availability.nodeSelector).length > 0 ? { nodeSelector: { ...availability.nodeSelector } } : {}),
    ...(availability.tolerations.length > 0 ? { tolerations: availability.tolerations.map((t) => ({ ...t })) } : {}),
    ...(image.pullSecrets.length > 0 ? { imagePullSecrets: image.pullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** The pod template of a backup, restore, prune or verify run of one instance. Pure. */
export function buildBackupPodTemplate(args: BackupPodArgs): k8s.types.input.core.v1.PodTemplateSpec {
  const { instance, run } = args;
  const sources = backupSources(instance);
  if (sources.length === 0) throw new Error(`${instance.logicalName}: no persistent volume to back up or restore (persistence is off)`);
  const component = run.command === "restore" ? "restore" : "backup";
  const cloudIdentity = identityMode(args.fleet.backup) !== "staticKeys";
  const capture = run.command === "backup";
  return {
    metadata: {
      labels: backupPodLabels(instance.tenant, instance.name, component),
      ...(cloudIdentity && capture ? { annotations: { [SKIP_CONTAINERS_ANNOTATION]: SQLITE_CONTAINER } } : {}),
    },
    spec: {
      serviceAccountName: instance.names.backupServiceAccount,
      // The engine never calls the Kubernetes API; IRSA and Pod Identity inject their own projected token.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // Job retries are whole new pods (backoffLimit), so each failed attempt keeps its logs.
      restartPolicy: "Never",
      // The app's own identity, so the engine can read (and a restore writes) files it owns.
      securityContext: restrictedPodSecurityContext(instanceIdentity(instance.spec).uid, instanceIdentity(instance.spec).gid),
      terminationGracePeriodSeconds: 30,
      affinity: affinity(instance, args.placement),
      ...nodePlacement(instance),
      ...(run.command === "backup" ? { initContainers: [sqliteSnapshotContainer(instance, sources)] } : {}),
      containers: [engineContainer(args, sources)],
      volumes: volumes(instance, sources, run),
    },
  };
}
