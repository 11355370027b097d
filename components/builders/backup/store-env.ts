import type * as k8s from "@pulumi/kubernetes";
import { identityMode } from "../../config/backup-schema";
import { plainFolderTooWide } from "../../config/isolation/plain-restore";
import type { FleetModel, InstanceModel } from "../../config/model";
import { mayRestoreFrom } from "../../config/restore-allowance";
import { BACKUP_SECRET_KEYS } from "../identity/secret-keys";
import { restoreReadPrefix, sourceTenant, type RestoreSource } from "../../config/restore-source";
import type { BackupStoreRef } from "../store/ref";

/** The rclone remote name the engine uses: `store:<bucket>/<key>`. */
export const RCLONE_REMOTE = "store";
const RCLONE = `RCLONE_CONFIG_${RCLONE_REMOTE.toUpperCase()}_`;

export interface BackupStoreEnvArgs {
  readonly fleet: FleetModel;
  readonly instance: InstanceModel;
  /** The store this instance backs up to (its tenant's, or its own with `bucketPer: instance`). */
  readonly store: BackupStoreRef;
}

/**
 * Environment for a backup, prune or restore container: rclone's env config
 * for the remote `store`, and where the instance's snapshots live. Pure.
 *
 * Credentials never appear as values: with irsa/podIdentity rclone takes them
 * from the pod's web identity or Pod Identity agent (`env_auth`); with static
 * keys they come from the instance's own Secret through `secretKeyRef`.
 */
export function backupStoreEnv(args: BackupStoreEnvArgs): k8s.types.input.core.v1.EnvVar[] {
  const { fleet, instance, store } = args;
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: `${RCLONE}TYPE`, value: "s3" },
    { name: `${RCLONE}PROVIDER`, value: store.provider },
    { name: `${RCLONE}REGION`, value: store.region },
  ];
  if (store.endpoint !== undefined) env.push({ name: `${RCLONE}ENDPOINT`, value: store.endpoint });
  if (identityMode(fleet.backup) === "staticKeys") {
    env.push(
      { name: `${RCLONE}ENV_AUTH`, value: "false" },
      secretEnv(`${RCLONE}ACCESS_KEY_ID`, instance.names.backupSecret, BACKUP_SECRET_KEYS.accessKeyId),
      secretEnv(`${RCLONE}SECRET_ACCESS_KEY`, instance.names.backupSecret, BACKUP_SECRET_KEYS.secretAccessKey),
    );
  } else {
    env.push({ name: `${RCLONE}ENV_AUTH`, value: "true" });
  }
  if (store.kmsKeyArn !== undefined) {
    env.push({ name: `${RCLONE}SERVER_SIDE_ENCRYPTION`, value: "aws:kms" }, { name: `${RCLONE}SSE_KMS_KEY_ID`, value: store.kmsKeyArn });
  }
  env.push(
    // The backup identity may list only its own prefix, so rclone's HeadBucket/CreateBucket probe would be denied.
    { name: `${RCLONE}NO_CHECK_BUCKET`, value: "true" },
    { name: "OCB_BUCKET", value: store.bucket },
    { name: "OCB_PREFIX", value: store.prefix },
    { name: "OCB_TENANT", value: instance.tenant },
    { name: "OCB_INSTANCE", value: instance.name },
  );
  return env;
}

function secretEnv(name: string, secret: string, key: string): k8s.types.input.core.v1.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** What a restore (clone) from another instance's backups may read: exactly one prefix, read only. */
export interface RestoreSourceAccess {
  /** The tenant whose backups are read; undefined for a plain folder outside the fleet prefix. */
  readonly tenant?: string;
  /** The store (bucket, KMS key) the source lives in; a restore reads the source from this bucket. */
  readonly store: BackupStoreRef;
  /** Bucket-relative key prefix, ending in `/`, that the restore reads. */
  readonly keyPrefix: string;
}

/**
 * The extra read access an instance's backup identity needs for its
 * `backup.restoreFrom`, or undefined when it needs none (no restoreFrom, or
 * a restore of its own backups, which it can read anyway). Pure.
 *
 * Throws on a cross-tenant source the platform team has not allowed
 * (`platform.tenants.<target>.restoreFromTenants`): the loader reports that as
 * a config problem first, so this only fires if a caller bypasses validation.
 */
export function restoreSourceAccess(args: BackupStoreEnvArgs): RestoreSourceAccess | undefined {
  const { fleet, instance, store } = args;
  const source = instance.spec.backup.restoreFrom;
  if (source === undefined) return undefined;
  const keyPrefix = restoreReadPrefix(source, instance.tenant, store.prefix);
  const ownPrefix = `${store.prefix}${instance.tenant}/${instance.name}/`;
  if (keyPrefix.startsWith(ownPrefix)) return undefined;
  const owner = sourceTenant(source, instance.tenant, store.prefix);
  if (owner !== undefined && !mayRestoreFrom(fleet.platform, instance.tenant, owner)) {
    throw new Error(
      `tenants.${instance.tenant}.instances.${instance.name}.backup.restoreFrom reads tenant "${owner}"'s backups, but platform.tenants.${instance.tenant}.restoreFromTenants does not list "${owner}"`,
    );
  }
  if (store.prefix.startsWith(keyPrefix)) throw new Error(`restoreFrom "${keyPrefix}" would grant read access to every tenant's backups`);
  const tooWide = source.type === "plain" ? plainFolderTooWide(source.path, store.prefix) : undefined;
  if (tooWide !== undefined) throw new Error(`tenants.${instance.tenant}.instances.${instance.name}.backup.restoreFrom: ${tooWide}`);
  return { tenant: owner, store: sourceStore(fleet, instance, store, source, owner), keyPrefix };
}

/**
 * The store a restore source lives in: another tenant's bucket and key for a snapshot of another
 * tenant, another instance's own bucket with `bucketPer: instance`; else the instance's own store
 * (where a plain folder is always read from).
 */
function sourceStore(
  fleet: FleetModel,
  instance: InstanceModel,
  store: BackupStoreRef,
  source: RestoreSource,
  owner: string | undefined,
): BackupStoreRef {
  const spec = fleet.backup.store;
  if (spec?.kind === "aws" && spec.bucketPer === "instance") {
    return source.type === "snapshot" && owner !== undefined ? store.forInstance(owner, source.instance) : store;
  }
  // A tenant's bucket and key serve all its instances: which one is asked for does not matter.
  return owner === undefined || owner === instance.tenant
    ? store
    : store.forInstance(owner, source.type === "snapshot" ? source.instance : instance.name);
}

/**
 * The store a restore Job's engine talks to. The engine reads a restore source from `OCB_BUCKET`
 * and writes nothing during a restore; with `bucketPer: instance` a clone's source is in the
 * source instance's bucket, so the restore Job gets that bucket (its identity may read exactly the
 * source's prefix there, see restoreSourceAccess). Otherwise: the instance's own store.
 */
export function restoreReadStore(args: BackupStoreEnvArgs): BackupStoreRef {
  const spec = args.fleet.backup.store;
  if (spec?.kind !== "aws" || spec.bucketPer !== "instance") return args.store;
  const source = restoreSourceAccess(args);
  return source === undefined ? args.store : { ...args.store, bucket: source.store.bucket };
}
