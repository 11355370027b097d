import { joinPath, type ConfigProblem } from "../../config/problems";
import type { TenantSpec } from "../../config/stack-schema";
import { quantityValue } from "../../config/validators";
import type { ConfigCheck } from "../../config/check";

type LimitRangeSpec = NonNullable<TenantSpec["limitRange"]>;

/**
 * The order the API server requires of a LimitRange: defaultRequest ≤ default ≤ max (a missing
 * default limit is the max).
 */
function limitRangeIssues(range: LimitRangeSpec): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  for (const resource of ["cpu", "memory"] as const) {
    const request = range.defaultRequest?.[resource];
    const limit = range.default?.[resource];
    const max = range.max?.[resource];
    const above = (a: string | undefined, b: string | undefined) =>
      a !== undefined && b !== undefined && (quantityValue(a) ?? 0) > (quantityValue(b) ?? Infinity);
    if (above(limit, max))
      issues.push({
        path: ["default", resource],
        message: `${limit} is above max.${resource} (${max}); the API server refuses a default limit above the max`,
      });
    if (above(request, limit))
      issues.push({
        path: ["defaultRequest", resource],
        message: `${request} is above default.${resource} (${limit}); the API server refuses a default request above the default limit`,
      });
    else if (limit === undefined && above(request, max))
      issues.push({
        path: ["defaultRequest", resource],
        message: `${request} is above max.${resource} (${max}); the API server refuses a default request above the max`,
      });
  }
  return issues;
}

/** A tenant's LimitRange the API server would refuse. */
export const limitRange: ConfigCheck = {
  id: "limit-range",
  refuses:
    "a tenant `limitRange` out of the order the API server requires: `defaultRequest` ≤ `default` ≤ `max`, for cpu and memory (a missing default limit is the max)",
  example: {
    config: { tenants: { acme: { limitRange: { default: { cpu: "4" }, max: { cpu: "2" } } } } },
    path: "tenants.acme.limitRange.default.cpu",
    message: "4 is above max.cpu (2); the API server refuses a default limit above the max",
  },
  stack({ stack }) {
    const problems: ConfigProblem[] = [];
    for (const [tenant, spec] of Object.entries(stack?.tenants ?? {})) {
      if (spec.limitRange === undefined) continue;
      for (const issue of limitRangeIssues(spec.limitRange))
        problems.push({ path: joinPath(["tenants", tenant, "limitRange", ...issue.path]), message: issue.message });
    }
    return problems;
  },
};
