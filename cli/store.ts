/**
 * The stack's backup store as the CLI reaches it: an S3 client for the
 * store in the stack's config, and the bucket of each tenant (or of each
 * instance, with `bucketPer: instance`). Credentials
 * never travel on a command line: they come from the environment (the AWS
 * SDK's chain, or OPENCLAW_FLEET_S3_* for an S3-compatible store), or from
 * the stack's own secrets through `pulumi config get`, read from its stdout.
 */
import { execFile } from "node:child_process";
import { S3Client } from "@aws-sdk/client-s3";
import type { FleetModel } from "../components/config/model";
import { CliError } from "./errors";

export const ENV = {
  accessKeyId: "OPENCLAW_FLEET_S3_ACCESS_KEY_ID",
  secretAccessKey: "OPENCLAW_FLEET_S3_SECRET_ACCESS_KEY",
  /** The bucket of an AWS store (its name has a generated suffix); else read from `pulumi stack output backupBuckets`. */
  bucket: "OPENCLAW_FLEET_BUCKET",
} as const;

/** A bucket to read snapshots from, and the instance they belong to when the bucket is that instance's own. */
export interface StoreLocation {
  readonly bucket: string;
  readonly instance?: string;
}

export interface Store {
  readonly client: S3Client;
  readonly prefix: string;
  readonly kind: "aws" | "s3Compatible";
  /** The bucket holding the backups of `tenant`'s `instance` (with a bucket per instance, the instance is needed). */
  bucketFor(tenant: string, instance?: string): Promise<string>;
  /**
   * Where to read `tenant`'s snapshots (of `instance` only, when given): its bucket, or with a
   * bucket per instance one location per instance the stack output names.
   */
  locationsOf(tenant: string, instance?: string): Promise<StoreLocation[]>;
  /** Every bucket of the stack, for the checks that are per bucket. */
  buckets(): Promise<string[]>;
  readonly describe: string;
}

/** Reads one value of the stack's config (a secret included) from `pulumi config get`'s stdout. */
export type ConfigReader = (stack: string, path: string) => Promise<string>;

export const pulumiConfigReader: ConfigReader = (stack, path) =>
  new Promise((resolve, reject) => {
    execFile("pulumi", ["config", "get", "--stack", stack, "--path", path], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new CliError(
            `cannot read ${path} of stack ${stack} with \`pulumi config get\` (${(stderr || error.message).trim()}); or set ${ENV.accessKeyId} and ${ENV.secretAccessKey}`,
          ),
        );
      else resolve(stdout.replace(/\r?\n$/, ""));
    });
  });

/** Reads a stack output as JSON (`pulumi stack output --json <name>`). */
export type OutputReader = (stack: string, name: string) => Promise<unknown>;

export const pulumiOutputReader: OutputReader = (stack, name) =>
  new Promise((resolve, reject) => {
    execFile("pulumi", ["stack", "output", "--stack", stack, "--json", name], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim()));
      else resolve(JSON.parse(stdout) as unknown);
    });
  });

export interface StoreOptions {
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  readonly readConfig?: ConfigReader;
  readonly readOutput?: OutputReader;
}

export async function openStore(model: FleetModel, options: StoreOptions): Promise<Store> {
  const backup = model.backup;
  const store = backup.store;
  if (!backup.enabled || store === undefined)
    throw new CliError(`stack "${options.stack}" has no backup store (backup.enabled is false or backup.store is not set)`);
  const env = options.env;
  if (store.kind === "s3Compatible") {
    let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    if (env[ENV.accessKeyId] && env[ENV.secretAccessKey]) {
      credentials = { accessKeyId: env[ENV.accessKeyId] ?? "", secretAccessKey: env[ENV.secretAccessKey] ?? "" };
    } else if (store.credentials !== undefined && !env.AWS_ACCESS_KEY_ID) {
      const read = options.readConfig ?? pulumiConfigReader;
      credentials = {
        accessKeyId: await read(options.stack, `secrets.${store.credentials.accessKeyId.secretRef}`),
        secretAccessKey: await read(options.stack, `secrets.${store.credentials.secretAccessKey.secretRef}`),
      };
    }
    const client = new S3Client({
      endpoint: store.endpoint,
      region: store.region === "auto" ? "us-east-1" : store.region,
      // Path-style and no default CRC checksums: what every S3-compatible server (MinIO, R2, B2, Ceph) accepts.
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      ...(credentials ? { credentials } : {}),
    });
    return {
      client,
      prefix: backup.prefix,
      kind: "s3Compatible",
      bucketFor: async () => store.bucket,
      locationsOf: async (_tenant, instance) => [{ bucket: store.bucket, ...(instance !== undefined ? { instance } : {}) }],
      buckets: async () => [store.bucket],
      describe: `${store.endpoint}/${store.bucket}/${backup.prefix}`,
    };
  }
  const client = new S3Client({ region: model.aws?.region });
  // With a bucket per instance the stack output `backupBuckets` is keyed `<tenant>/<instance>`, else by tenant.
  const perInstance = store.bucketPer === "instance";
  const fixed = env[ENV.bucket] || undefined;
  let output: Promise<Record<string, string>> | undefined;
  const lookup = () =>
    (output ??= (async () => {
      const read = await (options.readOutput ?? pulumiOutputReader)(options.stack, "backupBuckets").catch((error: Error) => {
        throw new CliError(
          `cannot find the bucket of stack "${options.stack}": set ${ENV.bucket}, or run where \`pulumi stack output backupBuckets\` works (${error.message})`,
        );
      });
      return read as Record<string, string>;
    })());
  const bucketFor = async (tenant: string, instance?: string): Promise<string> => {
    if (fixed && (perInstance || model.tenants.some((t) => t.name === tenant))) return fixed;
    const buckets = fixed ? {} : await lookup();
    if (perInstance) {
      if (instance === undefined)
        throw new CliError(
          `stack "${options.stack}" has a bucket per instance (backup.store.bucketPer: instance): name the instance of tenant "${tenant}"`,
        );
      const bucket = buckets[`${tenant}/${instance}`];
      if (bucket === undefined) {
        throw new CliError(
          `no bucket known for instance "${tenant}/${instance}" in stack "${options.stack}" (backup.store.bucketPer: instance; the stack output backupBuckets lists only instances with backups on): ` +
            `for a removed instance, whose bucket was kept, set ${ENV.bucket} to that bucket's name`,
        );
      }
      return bucket;
    }
    const bucket = buckets[tenant] ?? buckets["*"];
    if (bucket === undefined) throw new CliError(`no bucket known for tenant "${tenant}" in stack "${options.stack}"`);
    return bucket;
  };
  return {
    client,
    prefix: backup.prefix,
    kind: "aws",
    bucketFor,
    locationsOf: async (tenant, instance) => {
      if (!perInstance || fixed || instance !== undefined)
        return [{ bucket: await bucketFor(tenant, instance), ...(instance !== undefined ? { instance } : {}) }];
      const mine = Object.entries(await lookup()).filter(([where]) => where.startsWith(`${tenant}/`));
      return mine
        .map(([where, bucket]) => ({ bucket, instance: where.slice(tenant.length + 1) }))
        .sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0));
    },
    buckets: async () => (fixed ? [fixed] : [...new Set(Object.values(await lookup()))]),
    describe: `s3://<bucket>/${backup.prefix} (${model.aws?.region ?? "?"})`,
  };
}
