import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";
import { keptClaims } from "./kept-claims";

/**
 * On a Namespace that is kept when its tenant is removed (it holds claims that must outlive the
 * tenant), for the hook that then names them. A flag, not the claim names: adding or removing an
 * instance must not change the Namespace.
 */
export const KEPT_ON_REMOVAL_ANNOTATION = "openclaw.io/kept-on-removal";

/**
 * The Pod Security Standards version the namespaces enforce. Pinned, not
 * `latest`: a cluster upgrade must never change which pods are admitted
 * without a reviewed change here (every pod this program renders is checked
 * against `restricted` field by field in the tests).
 */
export const POD_SECURITY_VERSION = "v1.33";

/** The tenant's Namespace, with Pod Security Admission `restricted` enforced, audited and warned at one pinned version. */
export function buildNamespace(tenant: TenantModel): k8s.types.input.core.v1.Namespace {
  const kept = keptClaims(tenant).length > 0;
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: tenant.namespace,
      ...(kept ? { annotations: { [KEPT_ON_REMOVAL_ANNOTATION]: "true" } } : {}),
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
