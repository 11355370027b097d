import { identityMode } from "../../config/backup-schema";
import type { TenantModel } from "../../config/model";
import { joinPath, type ConfigProblem } from "../../config/problems";
import { restoreReadPrefix, sourceTenant } from "../../config/restore-source";
import type { StackSpec } from "../../config/stack-schema";
import type { ConfigCheck } from "../../config/check";

/** The store, the identity mode and the cluster fit together, and every backed-up tenant can reach its store. */
export const backupStoreFit: ConfigCheck = {
  id: "backup-store-fit",
  refuses:
    "a backup store, identity mode and cluster that do not fit together (an AWS store without `aws.region`, IRSA or Pod Identity without the EKS cluster, static keys beside a cloud identity or missing for a backed-up tenant, a key per instance without a bucket per instance), and restores that read a bucket the restoring instance cannot be granted",
  example: {
    base: "backup",
    config: { tenants: { acme: { instances: { bot: { backup: { restoreFrom: { plain: "backups/" } } } } } } },
    path: "tenants.acme.instances.bot.backup.restoreFrom",
    message: "contains every tenant's backups",
  },
  stack({ stack, tenants }) {
    return stack === undefined ? [] : backupConfigProblems(stack, tenants);
  },
};

/**
 * Cross-field checks of the backup config that need the whole stack: the
 * identity mode against the cluster settings and credentials, and what
 * every instance's restore source would be granted. Called by the
 * loader, which reports all problems at once.
 */
function backupConfigProblems(stack: StackSpec, tenants: readonly TenantModel[]): ConfigProblem[] {
  const backup = stack.backup;
  const store = backup.store;
  if (!backup.enabled || store === undefined) return [];
  const problems: ConfigProblem[] = [];
  const problem = (path: readonly PropertyKey[], message: string) => problems.push({ path: joinPath(path), message });
  const mode = identityMode(backup);
  const eks = stack.cluster.eks;

  if (store.kind === "aws" && stack.aws === undefined) {
    problem(["aws", "region"], "is required for an aws backup store: set aws.region (e.g. eu-west-1)");
  }
  if (mode === "irsa") {
    if (eks === undefined) {
      problem(
        ["cluster", "eks"],
        "identity mode irsa needs the EKS cluster: set cluster.eks.clusterName (its OIDC issuer is then looked up), or also cluster.eks.oidcProviderArn and cluster.eks.oidcIssuer to skip the lookup",
      );
    } else if ((eks.oidcProviderArn === undefined) !== (eks.oidcIssuer === undefined)) {
      const missing = eks.oidcProviderArn === undefined ? "oidcProviderArn" : "oidcIssuer";
      problem(
        ["cluster", "eks", missing],
        "set both cluster.eks.oidcProviderArn and cluster.eks.oidcIssuer, or neither (to look both up by cluster name)",
      );
    }
  }
  if (mode === "podIdentity" && eks === undefined) {
    problem(
      ["cluster", "eks", "clusterName"],
      "identity mode podIdentity needs the EKS cluster name for the Pod Identity associations: set cluster.eks.clusterName",
    );
  }
  if (store.kind === "aws" && store.kmsKeyPer === "instance" && store.bucketPer !== "instance") {
    problem(
      ["backup", "store", "kmsKeyPer"],
      `a key per instance needs a bucket per instance (each bucket is encrypted by default with its instance's key), but backup.store.bucketPer is ${store.bucketPer}: set backup.store.bucketPer: instance, or kmsKeyPer: tenant or fleet`,
    );
  }
  if (mode !== "staticKeys" && store.credentials !== undefined) {
    problem(
      ["backup", "store", "credentials"],
      `static keys are not used with identity mode ${mode}; remove them (or set backup.identity.mode: staticKeys)`,
    );
  }

  const tenantNames = new Set(tenants.map((t) => t.name));
  for (const tenant of tenants) {
    const backedUp = tenant.instances.filter((i) => i.spec.backup.enabled);
    const tenantCredentials = tenant.spec.backup.credentials;
    if (mode !== "staticKeys" && tenantCredentials !== undefined) {
      problem(
        ["tenants", tenant.name, "backup", "credentials"],
        `static keys are not used with identity mode ${mode}; remove them (or set backup.identity.mode: staticKeys)`,
      );
    }
    if (mode === "staticKeys" && backedUp.length > 0 && tenantCredentials === undefined && store.credentials === undefined) {
      problem(
        ["tenants", tenant.name, "backup", "credentials"],
        "identity mode staticKeys needs store keys: set tenants.<tenant>.backup.credentials (a key per tenant) or backup.store.credentials (one key for all tenants, which isolates nothing), each { accessKeyId: { secretRef }, secretAccessKey: { secretRef } }",
      );
    }
    for (const instance of backedUp) {
      const source = instance.spec.backup.restoreFrom;
      if (source === undefined) continue;
      const path = ["tenants", tenant.name, "instances", instance.name, "backup", "restoreFrom"];
      const readPrefix = restoreReadPrefix(source, tenant.name, backup.prefix);
      // Cross-tenant permission is checked with the instance (instanceBackupProblems); here: what the grant would cover.
      if (backup.prefix.startsWith(readPrefix)) {
        problem(
          path,
          `"${readPrefix}" contains every tenant's backups (backup.prefix is "${backup.prefix}"); name one instance's folder, e.g. ${backup.prefix}<tenant>/<instance>`,
        );
      }
      const owner = sourceTenant(source, tenant.name, backup.prefix);
      if (store.kind !== "aws") continue;
      if (store.bucketPer === "instance") {
        // A snapshot of another instance is in that instance's bucket: it must be one this stack knows (a plain folder is read from the instance's own bucket).
        if (source.type !== "snapshot" || owner === undefined || (owner === tenant.name && source.instance === instance.name)) continue;
        const sourceInstance = tenants.find((t) => t.name === owner)?.instances.find((i) => i.name === source.instance);
        if (sourceInstance === undefined || !sourceInstance.spec.backup.enabled) {
          const why =
            sourceInstance === undefined
              ? "that instance is not in this stack"
              : `that instance's backups are off (tenants.${owner}.instances.${source.instance}.backup.enabled: false), so it has no bucket`;
          problem(
            path,
            `reads "${owner}/${source.instance}"'s snapshots, which are in that instance's own bucket (backup.store.bucketPer: instance), but ${why}: this instance's backup role can only be granted read access to the bucket of an instance of this stack whose backups are on. Restore from such an instance, or use bucketPer: tenant or fleet`,
          );
        }
        continue;
      }
      if (owner === undefined || owner === tenant.name) continue;
      if (store.bucketPer === "tenant") {
        problem(
          path,
          `reads tenant "${owner}"'s backups, which are in another bucket (backup.store.bucketPer: tenant), and a restore reads only its own tenant's bucket: use bucketPer: fleet for clones across tenants, or copy the snapshot into this tenant's bucket first`,
        );
      } else if (store.kmsKeyPer === "tenant" && !tenantNames.has(owner)) {
        problem(
          path,
          `tenant "${owner}" is not in this stack, so the KMS key of its backups (one per tenant here) is unknown: restore from a tenant of this stack`,
        );
      }
    }
  }
  return problems;
}
