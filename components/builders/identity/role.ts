import { createHash } from "node:crypto";
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { INSTANCE_TAG, TENANT_LABEL } from "../../config/labels";
import type { InstanceModel } from "../../config/model";

/** IAM role names allow 64 characters; AWS appends 26 to a prefix, so a prefix has at most 38. */
const MAX_PREFIX = 38;

/**
 * `ocb-<tenant>_<instance>_`: `_` cannot occur in a tenant or instance name,
 * so `acme/corp-bot` and `acme-corp/bot` get different prefixes (with `-`
 * both were `ocb-acme-corp-bot-`), no prefix starts another (`ocb-acme_corp_`
 * vs `ocb-acme_corp-bot_`), and a policy that matches one tenant's roles by
 * prefix (`ocb-acme_*`) matches no other's. Too long a pair is cut and made
 * unique again by a hash of the pair.
 */
export function roleNamePrefix(instance: InstanceModel): string {
  const full = `ocb-${instance.tenant}_${instance.name}_`;
  if (full.length <= MAX_PREFIX) return full;
  const hash = createHash("sha256").update(`${instance.tenant}/${instance.name}`).digest("hex").slice(0, 8);
  return `${full.slice(0, MAX_PREFIX - hash.length - 2)}-${hash}_`;
}

export function roleTags(instance: InstanceModel): Record<string, string> {
  return { [TENANT_LABEL]: instance.tenant, [INSTANCE_TAG]: instance.name, "app.kubernetes.io/component": "backup" };
}

export function buildBackupRole(instance: InstanceModel, assumeRolePolicy: pulumi.Input<string>): aws.iam.RoleArgs {
  return {
    namePrefix: roleNamePrefix(instance),
    description: `OpenClaw backups of ${instance.tenant}/${instance.name}: its own backup prefix only`,
    assumeRolePolicy,
    // A backup or restore that runs longer re-assumes the role; nothing needs longer-lived sessions.
    maxSessionDuration: 3600,
    forceDetachPolicies: true,
    tags: roleTags(instance),
  };
}
