import type { ResourceValidationPolicy } from "@pulumi/policy";
import { IAM } from "../lib/conventions";
import { conditionValues, parsePolicyDocument, type Statement } from "../lib/iam";
import { asList, asString, at } from "../lib/values";

export interface BackupRoleScopeConfig {
  /** The fleet's object-key prefix (stack config `backup.prefix`); below it: `<tenant>/<instance>/`. */
  readonly prefix?: string;
}

export const DEFAULT_BACKUP_PREFIX = "backups/";

// Bucket-level reads that reveal no object data and that rclone may call.
const BUCKET_METADATA_ACTIONS = [
  "s3:getbucketlocation",
  "s3:getbucketversioning",
  "s3:getencryptionconfiguration",
  "s3:getbucketobjectlockconfiguration",
];
const LIST_ACTIONS = ["s3:listbucket", "s3:listbucketversions", "s3:listbucketmultipartuploads"];
const READ_ONLY_OBJECT_ACTIONS = /^s3:(get|list)/;

const SEGMENT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** One violation per problem with one IAM document, worded for the person who wrote it. */
export function backupScopeProblems(document: unknown, config: BackupRoleScopeConfig = {}): string[] {
  const statements = parsePolicyDocument(document);
  if (statements === undefined) return ["the policy document is not valid JSON"];
  const prefix = escape(config.prefix ?? DEFAULT_BACKUP_PREFIX);
  // Group 1 of these is `<tenant>/<instance>`.
  const objectArn = new RegExp(`^arn:aws[a-z-]*:s3:::[^*?/]+/${prefix}(${SEGMENT}/${SEGMENT})/[^*?]*\\*?$`);
  const bucketArn = /^arn:aws[a-z-]*:s3:::[^*?/]+$/;
  const listPrefix = new RegExp(`^${prefix}(${SEGMENT}/${SEGMENT})/[^*?]*\\*?$`);

  const problems: string[] = [];
  const written = new Set<string>();
  statements.forEach((statement, index) => {
    if (statement.effect !== "Allow") return;
    const where = `statement ${statement.sid ?? index}`;
    if (statement.notActions.length > 0)
      problems.push(`${where}: Allow with NotAction grants every other action; list the actions instead`);
    const s3Actions = statement.actions.filter((a) => a === "*" || a.toLowerCase().startsWith("s3:"));
    if (s3Actions.length === 0) return;
    if (statement.notResources.length > 0)
      problems.push(`${where}: Allow with NotResource grants every other resource; list the resources instead`);
    for (const action of s3Actions.filter((a) => a.includes("*")))
      problems.push(`${where}: action "${action}" is a wildcard; list the S3 actions the backup needs`);
    if (statement.resources.length === 0) problems.push(`${where}: grants S3 actions without a Resource`);
    for (const resource of statement.resources) {
      if (bucketArn.test(resource)) problems.push(...bucketStatementProblems(where, statement, s3Actions, resource, listPrefix));
      else {
        const match = objectArn.exec(resource);
        const instancePath = match?.[1];
        if (instancePath === undefined) {
          problems.push(
            `${where}: resource "${resource}" is wider than one instance's prefix; use arn:aws:s3:::<bucket>/${config.prefix ?? DEFAULT_BACKUP_PREFIX}<tenant>/<instance>/*`,
          );
        } else if (s3Actions.some((a) => !READ_ONLY_OBJECT_ACTIONS.test(a.toLowerCase()))) {
          written.add(instancePath);
        }
      }
    }
  });
  if (written.size > 1)
    problems.push(
      `the role can write to ${written.size} instances' prefixes (${[...written].sort().join(", ")}); a backup role writes to exactly one`,
    );
  return problems;
}

function bucketStatementProblems(
  where: string,
  statement: Statement,
  actions: readonly string[],
  resource: string,
  listPrefix: RegExp,
): string[] {
  const problems: string[] = [];
  for (const action of actions) {
    const lower = action.toLowerCase();
    if (BUCKET_METADATA_ACTIONS.includes(lower)) continue;
    if (!LIST_ACTIONS.includes(lower)) {
      problems.push(
        `${where}: "${action}" on the bucket ${resource} acts on the whole bucket; a backup role only lists and reads bucket metadata there`,
      );
      continue;
    }
    const prefixes = conditionValues(statement.condition, "s3:prefix");
    if (prefixes.length === 0)
      problems.push(`${where}: "${action}" on ${resource} needs an s3:prefix condition limiting it to one instance's prefix`);
    for (const value of prefixes.filter((p) => !listPrefix.test(p))) {
      problems.push(`${where}: s3:prefix "${value}" is wider than one instance's prefix`);
    }
  }
  return problems;
}

/** The IAM documents a resource grants: a RolePolicy's or Policy's `policy`, or a Role's inline policies. */
function documentsOf(type: string, props: unknown): unknown[] {
  if (type === IAM.rolePolicy || type === IAM.policy) return [at(props, "policy")];
  if (type === IAM.role)
    return asList(at(props, "inlinePolicies"))
      .map((p) => at(p, "policy"))
      .filter((p) => asString(p) !== undefined);
  return [];
}

export const backupRolesScoped: ResourceValidationPolicy = {
  name: "backup-role-scoped",
  description:
    "IAM policies that grant S3 access (the backup roles) are scoped to one instance: object actions only on <bucket>/<prefix><tenant>/<instance>/*, writes to a single instance's prefix, ListBucket only with an s3:prefix condition inside it, no wildcard actions, no NotAction/NotResource, nothing that acts on the whole bucket.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: { properties: { prefix: { type: "string", default: DEFAULT_BACKUP_PREFIX } } },
  remediationSteps:
    "Build backup roles with the identity module (components/backup-identity/), which scopes each role to its instance's prefix.",
  validateResource: (args, reportViolation) => {
    const config = args.getConfig<BackupRoleScopeConfig>();
    for (const document of documentsOf(args.type, args.props)) {
      for (const problem of backupScopeProblems(document, config))
        reportViolation(`${args.type.split(":").pop()} "${args.name}": ${problem}`);
    }
  },
};
