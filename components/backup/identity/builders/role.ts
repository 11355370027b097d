import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { TENANT_LABEL } from "../../../config/labels";
import type { InstanceModel } from "../../../config/model";

/** IAM role names allow 64 characters; AWS appends 26 to a prefix, so a prefix has at most 38. */
export function roleNamePrefix(instance: InstanceModel): string {
  return `ocb-${instance.tenant}-${instance.name}`.slice(0, 37).replace(/-$/, "") + "-";
}

export function roleTags(instance: InstanceModel): Record<string, string> {
  return { [TENANT_LABEL]: instance.tenant, "openclaw.io/instance": instance.name, "app.kubernetes.io/component": "backup" };
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
