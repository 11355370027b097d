import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { backupRolesScoped } from "./rules/backup-role-scope";
import { backupScheduled } from "./rules/backup-schedule";
import { bucketsProtected } from "./rules/bucket-protection";
import { imagesPinned } from "./rules/image-pinning";
import { instancesHaveNetworkPolicy } from "./rules/network-policy";
import { noPlaintextSecrets } from "./rules/plaintext-secrets";
import { podsRestricted } from "./rules/pod-security";

export {
  backupRolesScoped,
  backupScheduled,
  bucketsProtected,
  imagesPinned,
  instancesHaveNetworkPolicy,
  noPlaintextSecrets,
  podsRestricted,
};

/**
 * Every policy of the pack, all mandatory. Tests import this list and call
 * each validate function directly; only index.ts builds the PolicyPack,
 * because constructing one starts the analyzer server.
 */
export const policies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
  podsRestricted,
  imagesPinned,
  noPlaintextSecrets,
  backupRolesScoped,
  bucketsProtected,
  backupScheduled,
  instancesHaveNetworkPolicy,
];
