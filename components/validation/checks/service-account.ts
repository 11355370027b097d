import type { ConfigCheck, InstanceProblem } from "../../config/check";

/** The instance runs as the ServiceAccount the program creates, or as an existing one it names: never both, never neither. */
export const serviceAccount: ConfigCheck = {
  id: "service-account",
  refuses:
    "`rbac.serviceAccountName` with `rbac.createServiceAccount: true`, `createServiceAccount: false` without a `serviceAccountName`, and `rbac.serviceAccountAnnotations` on a ServiceAccount the program does not create",
  example: {
    config: { tenants: { acme: { instances: { bot: { rbac: { createServiceAccount: false } } } } } },
    path: "tenants.acme.instances.bot.rbac.serviceAccountName",
    message: "is required when rbac.createServiceAccount is false",
  },
  settings(spec) {
    const problems: InstanceProblem[] = [];
    const r = spec.rbac;
    if (r.createServiceAccount && r.serviceAccountName !== undefined) {
      problems.push({
        path: ["rbac", "serviceAccountName"],
        message: "names an existing ServiceAccount, so set rbac.createServiceAccount: false too (or remove serviceAccountName)",
      });
    }
    if (!r.createServiceAccount && r.serviceAccountName === undefined) {
      problems.push({
        path: ["rbac", "serviceAccountName"],
        message: "is required when rbac.createServiceAccount is false: name the existing ServiceAccount to run as",
      });
    }
    if (!r.createServiceAccount && Object.keys(r.serviceAccountAnnotations).length > 0) {
      problems.push({
        path: ["rbac", "serviceAccountAnnotations"],
        message: "only apply to a ServiceAccount this program creates (rbac.createServiceAccount: true)",
      });
    }
    return problems;
  },
};
