import type * as k8s from "@pulumi/kubernetes";
import { tenantLabels } from "../../config/labels";
import type { TenantModel } from "../../config/model";

/** The tenant's Namespace, with Pod Security Admission `restricted` enforced. */
export function buildNamespace(tenant: TenantModel): k8s.types.input.core.v1.Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: tenant.namespace,
      labels: {
        ...tenant.spec.labels,
        ...tenantLabels(tenant.name),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}
