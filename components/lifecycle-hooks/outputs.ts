import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PRE_UPDATE_SNAPSHOT_ANNOTATION } from "./annotations";

/**
 * `<tenant>/<instance>` -> the snapshot taken before its last image change,
 * read back from the StatefulSet the pre-update hook annotated (so it stays
 * there run after run, until the next upgrade). A rollback is the old image
 * plus `backup.restoreFrom: <this path>`.
 */
export function preUpdateSnapshots(workloads: ReadonlyMap<string, k8s.apps.v1.StatefulSet>): pulumi.Output<Record<string, string>> {
  const entries = [...workloads].map(([key, sts]) =>
    sts.metadata.apply((meta) => [key, meta?.annotations?.[PRE_UPDATE_SNAPSHOT_ANNOTATION]] as const),
  );
  return pulumi
    .all(entries)
    .apply((pairs) => Object.fromEntries(pairs.filter((p): p is readonly [string, string] => typeof p[1] === "string")));
}
