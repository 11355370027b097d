/**
 * The lifecycle hooks of a fleet, registered once at the top of the program
 * on every run (a `beforeDelete` hook must exist when the instance it is
 * bound to has left the config), and the bindings the components attach:
 *
 *   StatefulSet   beforeDelete  pre-delete backup (stop, cold backup, then delete)
 *                 beforeUpdate  pre-update backup when the image changes
 *                 afterUpdate   forget the stop marker (the update started the pod)
 *                 onError       start the instance again when the update failed
 *   restore Job   beforeCreate  stop the instance (never restore under a live app)
 *                 afterCreate   start it again
 *                 onError       start it again on its untouched data
 *
 * The bodies live in their own modules as plain async functions over a
 * small Kubernetes interface, so they are tested against a fake API; Pulumi
 * never runs hooks under its mocks. The bindings travel down the component
 * args (Fleet -> Tenant -> OpenClawInstance -> InstanceBackup -> RestoreJob).
 */
import * as pulumi from "@pulumi/pulumi";
import { findInstanceModel, type FleetModel } from "../config/model";
import { APP_CONTAINER, imageReference } from "../builders/instance/stateful-set";
import { preDeletePolicy, recordedPreDeletePolicy, type PreDeletePolicy } from "./annotations";
import { kubernetesLifecycleApi } from "./client";
import { parseDuration } from "../config/duration";
import { realClock, type HookDeps, type HookLog } from "./kube";
import { preDeleteBackup } from "./pre-delete";
import { preUpdateBackup } from "./pre-update";
import { containerImage, deletedObject, instanceRefOf, objectMeta } from "./refs";
import { RESTORE_FROM_ANNOTATION } from "../builders/backup/restore-job";
import { KEPT_ON_REMOVAL_ANNOTATION } from "../builders/tenant/namespace";
import { restartAfterFailure, restoreFailed, startAfterRestore, stopForRestore } from "./restore";
import { clearStopMarkerAfterUpdate, type InstanceRef } from "./workload";

/** Hook names are part of the stack's state: never rename them. */
export const HOOK_NAMES = {
  preDelete: "openclaw-pre-delete-backup",
  preUpdate: "openclaw-pre-update-backup",
  clearStopMarker: "openclaw-clear-stop-marker",
  restartAfterFailure: "openclaw-restart-after-failure",
  stopForRestore: "openclaw-stop-for-restore",
  startAfterRestore: "openclaw-start-after-restore",
  restoreFailed: "openclaw-restore-failed",
  tenantRemoved: "openclaw-tenant-removed",
} as const;

/** Comma-separated `<tenant>/<instance>` list whose pre-delete backup is skipped (escape hatch for a store that is gone). */
export const SKIP_PRE_DELETE_ENV = "OPENCLAW_SKIP_PRE_DELETE_BACKUP";

export interface LifecycleHooks {
  /** Bound to every instance's StatefulSet. */
  readonly workload: pulumi.ResourceHookBinding;
  /** Bound to every restore Job. */
  readonly restore: pulumi.ResourceHookBinding;
  /** Bound to every tenant Namespace. */
  readonly namespace: pulumi.ResourceHookBinding;
}

/** Whether hooks can act: there is a cluster to act on (not a render to a directory). */
export function hooksApply(model: Pick<FleetModel, "cluster">): boolean {
  return model.cluster.kubernetes.renderYamlToDirectory === undefined;
}

/** What a removed tenant leaves behind, and how to remove it when the data is no longer wanted. */
export function keptNamespaceMessage(namespace: string, claims: readonly string[]): string {
  return (
    `namespace ${namespace} is kept, with its claims ${claims.join(", ")} (persistence.orphan or existingClaim); ` +
    `its instances' pre-delete snapshots are listed above. When the data is no longer wanted: kubectl delete namespace ${namespace}`
  );
}

// Fire and forget: the engine queues log messages and the hooks never wait on them.
const pulumiLog: HookLog = { info: (m) => void pulumi.log.info(m), warn: (m) => void pulumi.log.warn(m) };

/** The policy for an instance being deleted: its current config when it still has one (destroy), else what its StatefulSet recorded. */
function policyFor(model: Pick<FleetModel, "tenants">, ref: InstanceRef, annotations: Record<string, string>): PreDeletePolicy | undefined {
  const skipped = (process.env[SKIP_PRE_DELETE_ENV] ?? "").split(",").map((s) => s.trim());
  if (skipped.includes(`${ref.tenant}/${ref.instance}`)) return "skip";
  const recorded = recordedPreDeletePolicy(annotations);
  const configured = findInstanceModel(model, ref.tenant, ref.instance);
  return recorded !== undefined && configured !== undefined ? preDeletePolicy(configured) : recorded;
}

/**
 * Registers the fleet's hooks (call once, first thing in the program, and only
 * under a real engine: Pulumi's mocks cannot register hooks) and returns the
 * bindings, or undefined when hooks cannot act here (a render to a directory).
 *
 * Under a real engine every hook is registered on every run, whatever the
 * config: the engine refuses to plan (`hook "…" was not registered`) when a
 * resource in the state is bound to a hook this run lacks, and that state
 * may date from before backups were turned off, the store removed, or the
 * stack switched to rendering YAML. Registered but unable to act (no
 * cluster), a hook says so and lets the step go on.
 */
export function registerLifecycleHooks(
  model: Pick<FleetModel, "backup" | "cluster" | "tenants">,
  deps?: Partial<HookDeps>,
): LifecycleHooks | undefined {
  const full: HookDeps = {
    kube: deps?.kube ?? kubernetesLifecycleApi(model.cluster.kubernetes, deps?.log ?? pulumiLog),
    clock: deps?.clock ?? realClock,
    log: deps?.log ?? pulumiLog,
    pollMs: deps?.pollMs,
  };
  // Validated by the config schema; the fallback only guards a hand-built model.
  const timeoutMs = parseDuration(model.backup.deleteTimeout) ?? 30 * 60_000;
  const acts = hooksApply(model);
  const refOrSkip = (object: unknown, what: string): InstanceRef | undefined => {
    if (!acts) {
      full.log.info(
        `${what}: no lifecycle hook runs when the stack renders YAML to a directory (cluster.kubernetes.renderYamlToDirectory)`,
      );
      return undefined;
    }
    const ref = instanceRefOf(object);
    if (ref === undefined) full.log.warn(`${what}: not an openclaw-fleet object (no instance/tenant labels); hook skipped`);
    return ref;
  };

  const preDelete = new pulumi.ResourceHook(HOOK_NAMES.preDelete, async (args) => {
    const object = deletedObject(args);
    const ref = refOrSkip(object, args.name);
    if (ref === undefined) return;
    await preDeleteBackup(full, { ref, policy: policyFor(model, ref, objectMeta(object).annotations), timeoutMs });
  });
  const preUpdate = new pulumi.ResourceHook(HOOK_NAMES.preUpdate, async (args) => {
    const ref = refOrSkip(args.newInputs, args.name);
    if (ref === undefined) return;
    await preUpdateBackup(full, {
      ref,
      oldImage: containerImage(args.oldInputs, APP_CONTAINER),
      newImage: containerImage(args.newInputs, APP_CONTAINER),
      policy: recordedPreDeletePolicy(objectMeta(args.newInputs).annotations),
      timeoutMs,
    });
  });
  const clearMarker = new pulumi.ResourceHook(HOOK_NAMES.clearStopMarker, async (args) => {
    const ref = acts ? instanceRefOf(args.newInputs) : undefined;
    if (ref !== undefined) await clearStopMarkerAfterUpdate(full, ref);
  });
  // An error hook can run for a failure in a preview too: it acts only in a real update.
  const actsOnError = acts && !pulumi.runtime.isDryRun();
  const restart = new pulumi.ErrorHook(HOOK_NAMES.restartAfterFailure, async (args) => {
    const ref = actsOnError ? instanceRefOf(args.newInputs ?? args.oldInputs) : undefined;
    return ref === undefined ? false : restartAfterFailure(full, ref, `${args.failedOperation} of ${args.name}`, args.errors);
  });
  const stop = new pulumi.ResourceHook(HOOK_NAMES.stopForRestore, async (args) => {
    const ref = refOrSkip(args.newInputs, args.name);
    if (ref !== undefined) await stopForRestore(full, ref, timeoutMs);
  });
  const start = new pulumi.ResourceHook(HOOK_NAMES.startAfterRestore, async (args) => {
    const ref = refOrSkip(args.newInputs, args.name);
    if (ref === undefined) return;
    const configured = findInstanceModel(model, ref.tenant, ref.instance);
    await startAfterRestore(full, ref, configured !== undefined ? imageReference(configured.spec.image) : undefined);
  });

  const restoreFailure = new pulumi.ErrorHook(HOOK_NAMES.restoreFailed, async (args) => {
    const job = objectMeta(args.newInputs);
    const ref = actsOnError ? instanceRefOf(args.newInputs) : undefined;
    if (ref === undefined || job.name === undefined) return false;
    return restoreFailed(
      full,
      ref,
      { namespace: ref.namespace, name: job.name, source: job.annotations[RESTORE_FROM_ANNOTATION] },
      args.errors,
    );
  });

  const tenantRemoved = new pulumi.ResourceHook(HOOK_NAMES.tenantRemoved, async (args) => {
    const meta = objectMeta(deletedObject(args));
    if (!acts || meta.name === undefined || meta.annotations[KEPT_ON_REMOVAL_ANNOTATION] === undefined) return;
    const claims = await full.kube.listClaims(meta.name);
    if (claims.length > 0) full.log.info(keptNamespaceMessage(meta.name, claims));
  });

  if (!acts) return undefined;
  return {
    workload: { beforeDelete: [preDelete], beforeUpdate: [preUpdate], afterUpdate: [clearMarker], onError: [restart] },
    restore: { beforeCreate: [stop], afterCreate: [start], onError: [restoreFailure] },
    namespace: { beforeDelete: [tenantRemoved] },
  };
}
