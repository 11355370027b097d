/**
 * The openclaw-fleet CrossGuard policy pack:
 *   pulumi preview --policy-pack policy [--policy-pack-config policy-config.json]
 * The policies live in policies.ts; this file only registers them, and no
 * test imports it (constructing a PolicyPack starts the analyzer server).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("openclaw-fleet", {
  description:
    "Guardrails for openclaw-fleet stacks: restricted pods, pinned images, private encrypted buckets, scheduled and scoped backups, NetworkPolicies, no plain-text secrets.",
  enforcementLevel: "mandatory",
  policies: [...policies],
});
