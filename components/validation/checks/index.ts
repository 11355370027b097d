/**
 * Every config check that needs more than one value's schema, in one list: each entry is one
 * class of refusal with the paths and messages of its problems, and an example config that it
 * refuses. A new class of refusal is a small file exporting a ConfigCheck, added here; the loader
 * runs them all (the `settings` checks with the instance schema, then the others), docs/config.md
 * lists each one's `refuses` (test/docs checks it), and test/config/check-registry.test.ts proves
 * with each one's `example` that it fires.
 */
import { backupStoreChoice } from "./backup-store-choice";
import { backupStoreFit } from "./backup-store-fit";
import { instanceBackup } from "./instance-backup";
import { appImage } from "./app-image";
import { autoscaling } from "./autoscaling";
import { configNamespaces } from "./config-namespaces";
import { configRawSecrets } from "./config-raw-secrets";
import { configSource } from "./config-source";
import { derivedNames } from "./derived-names";
import { egressDestinations } from "./egress-destinations";
import { exclusiveSources } from "./exclusive-sources";
import { existingClaims } from "./existing-claims";
import { featureCredentials } from "./feature-credentials";
import { featureImages } from "./feature-images";
import { globalNames } from "./global-names";
import { imageReplacements } from "./image-replacements";
import { ingress } from "./ingress";
import { instanceNetwork } from "./instance-network";
import { latestTags } from "./latest-tags";
import { limitRange } from "./limit-range";
import { metrics } from "./metrics";
import { mountPaths } from "./mount-paths";
import { nativeSidecars } from "./native-sidecars";
import { openclawConfig } from "./openclaw-config";
import { ownership } from "./ownership";
import { platformPolicy } from "./platform-policy";
import { plainRestore } from "./plain-restore";
import { podNames } from "./pod-names";
import { probePorts } from "./probe-ports";
import { rbacRules } from "./rbac-rules";
import { requestsWithinLimits } from "./requests-within-limits";
import { reservedNames } from "./reserved-names";
import { resourceFit } from "./resource-fit";
import { rolloutFit } from "./rollout";
import { secretEnvLiterals } from "./secret-env-literals";
import { secretRefs } from "./secret-refs";
import { secretsInPlainText } from "./secrets-in-plain-text";
import { serviceAccount } from "./service-account";
import { stackSecretOwners } from "./stack-secrets";
import { tailscaleUid } from "./tailscale-uid";
import type { ConfigCheck } from "../../config/check";

export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  // One instance's settings, with its schema.
  configSource,
  latestTags,
  exclusiveSources,
  requestsWithinLimits,
  existingClaims,
  serviceAccount,
  egressDestinations,
  reservedNames,
  featureImages,
  featureCredentials,
  nativeSidecars,
  podNames,
  autoscaling,
  metrics,
  probePorts,
  ingress,
  // The stack, then each instance of the model.
  limitRange,
  appImage,
  configNamespaces,
  secretsInPlainText,
  secretEnvLiterals,
  configRawSecrets,
  globalNames,
  derivedNames,
  ownership,
  stackSecretOwners,
  platformPolicy,
  mountPaths,
  resourceFit,
  openclawConfig,
  rbacRules,
  instanceNetwork,
  plainRestore,
  tailscaleUid,
  rolloutFit,
  imageReplacements,
  secretRefs,
  instanceBackup,
  backupStoreChoice,
  backupStoreFit,
];

export type { CheckContext, CheckExample, ConfigCheck, InstanceProblem, WrittenInstance } from "../../config/check";
