import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";
import { keptClaims } from "../kept-claims";

/** The claims a removed tenant leaves behind, comma-separated, for the hook that says so. */
export const KEPT_CLAIMS_ANNOTATION = "openclaw.io/kept-claims";

/**
 * The Pod Security Standards version the namespaces enforce. Pinned, not
 * `latest`: a cluster upgrade must never change which pods are admitted
 * without a reviewed change here (every pod this program renders is checked
 * against `restricted` field by field in the tests).
 */
export const POD_SECURITY_VERSION = "v1.33";

/** The tenant's Namespace, with Pod Security Admission `restricted` enforced, audited and warned at one pinned version. */
export function buildNamespace(tenant: TenantModel): k8s.types.input.core.v1.Namespace {
  const kept = keptClaims(tenant);
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: tenant.namespace,
      ...(kept.length > 0 ? { annotations: { [KEPT_CLAIMS_ANNOTATION]: kept.join(",") } } : {}),
      labels: {
        ...tenant.spec.labels,
        ...tenantLabels(tenant.name),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      },
    },
  };
}
