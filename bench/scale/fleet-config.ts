// Generated fleets for the scale benchmark: N instances spread over tenants, backups on, with a
// little per-instance variety so that every builder path (overrides, defaults) is exercised.
import type { RawStackConfig } from "../../components/config/load";
import { rawConfig } from "../../test/support/stacks";

/** The stores a fleet can back up to; `aws` also brings the per-instance IAM side (IRSA). */
export const STORE_KINDS = ["s3Compatible", "aws"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Instances per tenant: a tenant is a team or customer with a handful of assistants. */
export const INSTANCES_PER_TENANT = 10;

export function tenantName(index: number): string {
  return `t${String(index).padStart(3, "0")}`;
}

/** Globally unique, so a registration that mentions another instance's name can be found by a regex. */
export function instanceName(index: number): string {
  return `bot-${String(index).padStart(4, "0")}`;
}

/** Matches every generated instance name; see {@link instanceName}. */
export const INSTANCE_NAME_PATTERN = /bot-\d{4}/g;

function instanceSettings(index: number): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (index % 3 === 1) settings.env = { OPENCLAW_LOG_LEVEL: "debug" };
  if (index % 5 === 2) settings.persistence = { size: "20Gi" };
  if (index % 7 === 3) settings.resources = { requests: { cpu: "500m", memory: "1Gi" } };
  return settings;
}

function storeConfig(kind: StoreKind): Record<string, unknown> {
  if (kind === "aws") {
    return {
      aws: { region: "eu-west-1", tags: { environment: "bench" } },
      cluster: {
        kubernetes: { renderYamlToDirectory: "out/bench" },
        eks: {
          clusterName: "openclaw-bench",
          oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0BENCH0BENCH0BENCH0BENCH0BENCH00",
          oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/0BENCH0BENCH0BENCH0BENCH0BENCH00",
        },
      },
      backup: { store: { kind: "aws" } },
    };
  }
  return {
    cluster: { kubernetes: { renderYamlToDirectory: "out/bench" } },
    backup: {
      store: {
        kind: "s3Compatible",
        endpoint: "http://minio.minio.svc.cluster.local:9000",
        bucket: "openclaw-backups",
        region: "us-east-1",
        provider: "Minio",
        credentials: { accessKeyId: { secretRef: "store-access-key" }, secretAccessKey: { secretRef: "store-secret-key" } },
      },
    },
    secrets: { "store-access-key": "bench-access-key", "store-secret-key": "bench-secret-key" },
  };
}

/** A stack config with `instances` instances over ceil(instances / 10) tenants. */
export function generateFleet(instances: number, store: StoreKind): RawStackConfig {
  if (!Number.isInteger(instances) || instances < 1) throw new Error(`instances must be a positive integer, got ${instances}`);
  const tenants: Record<string, { instances: Record<string, unknown> }> = {};
  for (let i = 0; i < instances; i++) {
    const tenant = tenantName(Math.floor(i / INSTANCES_PER_TENANT));
    (tenants[tenant] ??= { instances: {} }).instances[instanceName(i)] = instanceSettings(i);
  }
  return rawConfig({
    ...storeConfig(store),
    defaults: { image: { tag: "2026.9.6" }, resources: { requests: { cpu: "250m", memory: "512Mi" } } },
    tenants,
  });
}
