import type { Registration } from "../../scripts/lib/mock-runtime";
import { changed, first, swapped } from "./fixtures";

export interface BadCase {
  /** What is wrong, in words. */
  readonly what: string;
  /** The dev stack's registrations with exactly that one thing wrong. */
  readonly build: (base: readonly Registration[]) => Registration[];
  /** A fragment the violation message must contain, so the test knows the right rule fired. */
  readonly expect: RegExp;
}

const STS = "kubernetes:apps/v1:StatefulSet";
const APP = ["spec", "template", "spec", "containers", 0] as const;

/** One deliberately bad stack per policy; coverage.test.ts fails when a policy has none. */
export const BAD_CASES: Readonly<Record<string, BadCase>> = {
  "pods-restricted": {
    what: "an instance container that may escalate privileges",
    build: (base) => {
      const sts = first(base, STS);
      return swapped(base, sts, changed(sts, [[...APP, "securityContext", "allowPrivilegeEscalation"], true]));
    },
    expect: /container "openclaw": set securityContext\.allowPrivilegeEscalation: false/,
  },
  "images-pinned": {
    what: "an instance image on :latest",
    build: (base) => {
      const sts = first(base, STS);
      return swapped(base, sts, changed(sts, [[...APP, "image"], "ghcr.io/openclaw/openclaw:latest"]));
    },
    expect: /image "ghcr\.io\/openclaw\/openclaw:latest" uses the floating tag "latest"/,
  },
  "no-plaintext-secrets": {
    what: "an API key as a literal env value",
    build: (base) => {
      const sts = first(base, STS);
      return swapped(base, sts, changed(sts, [[...APP, "env", "-"], { name: "OPENAI_API_KEY", value: "not-a-real-key-but-literal" }]));
    },
    expect: /env OPENAI_API_KEY has a secret-looking name and a literal value/,
  },
  "backup-role-scoped": {
    what: "a backup role widened from its instance's prefix to every backup",
    build: (base) => {
      const policy = first(base, "aws:iam/rolePolicy:RolePolicy");
      const widened = String(policy.inputs.policy).replace(/backups\/[a-z0-9-]+\/[a-z0-9-]+\/\*/g, "backups/*");
      return swapped(base, policy, changed(policy, [["policy"], widened]));
    },
    expect: /is wider than one instance's prefix/,
  },
  "buckets-protected": {
    what: "a bucket without its BucketVersioning",
    build: (base) => swapped(base, first(base, "aws:s3/bucketVersioning:BucketVersioning")),
    expect: /has no BucketVersioning/,
  },
  "backup-scheduled": {
    what: "an instance with a volume and no backup CronJob",
    build: (base) => base.filter((r) => r.type !== "kubernetes:batch/v1:CronJob"),
    expect: /keeps data on a volume but has no backup CronJob/,
  },
  "instance-network-policy": {
    what: "instances without NetworkPolicies",
    build: (base) => base.filter((r) => r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy"),
    expect: /no NetworkPolicy in namespace openclaw-\w+ selects its pods/,
  },
};
