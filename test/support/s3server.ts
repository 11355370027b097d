// A real S3-compatible server (s3rver) in-process on 127.0.0.1, for the engine's data-path tests.
// It records what it stored (PUT vs server-side COPY, with sizes) and how many bytes it received,
// so tests can check rclone's own transfer stats against the server's view.
// Only async child processes may run while it serves: a sync spawn blocks its event loop.
import { mkdtempSync, readdirSync, rmSync, type Dirent } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { freePort } from "./ports";

export interface StoredEvent {
  /** "Put", "Copy", "Post" or "Delete". */
  type: string;
  key: string;
  size: number;
}

export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly dir: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Objects created or removed since start (or the last resetCounters). */
  readonly events: StoredEvent[];
  /** Request bytes received over all connections since start (or the last resetCounters). */
  bytesReceived(): number;
  resetCounters(): void;
  /** Abrupt outage: stop listening and cut every open connection mid-request. */
  stop(): Promise<void>;
  /** Come back on the same port with the same data. */
  start(): Promise<void>;
  /** stop() and delete the data directory. */
  close(): Promise<void>;
  /** File in which s3rver keeps the bytes of an object (to corrupt it behind the server's back). */
  objectFile(key: string): string;
  /**
   * Answer the requests the predicate picks with 403 AccessDenied (an error rclone does not retry
   * at its low level) instead of serving them; undefined serves everything again.
   */
  injectFault(fault: FaultPredicate | undefined): void;
  /** Every request since start (or the last resetCounters): method, object key, and whether it was a copy. */
  readonly requests: RequestRecord[];
}

export interface RequestRecord {
  readonly method: string;
  /** Object key, URL-decoded, without the bucket; "" for bucket-level requests. */
  readonly key: string;
  /** A PUT with x-amz-copy-source: a server-side copy. */
  readonly copy: boolean;
}

export type FaultPredicate = (request: RequestRecord) => boolean;

function requestRecord(req: IncomingMessage, bucket: string): RequestRecord {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
  const key = path.startsWith(`/${bucket}/`) ? path.slice(bucket.length + 2) : "";
  return { method: req.method ?? "", key, copy: req.headers["x-amz-copy-source"] !== undefined };
}

/**
 * s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 refuses: every truncated
 * listing (more keys than MaxKeys, 1,000 by default) was a 500 InternalError. Its tokens only need
 * to round-trip through s3rver itself, so DES becomes the identity here (nothing else uses DES).
 */
function allowS3rverContinuationTokens(): void {
  const crypto = createRequire(__filename)("node:crypto") as {
    createCipheriv: (...args: unknown[]) => unknown;
    createDecipheriv: (...args: unknown[]) => unknown;
    s3rverTokens?: true;
  };
  if (crypto.s3rverTokens) return;
  crypto.s3rverTokens = true;
  const identity = {
    update: (data: string | Buffer, encoding?: BufferEncoding) =>
      typeof data === "string" ? Buffer.from(data, encoding) : Buffer.from(data),
    final: () => Buffer.alloc(0),
  };
  for (const name of ["createCipheriv", "createDecipheriv"] as const) {
    const original = crypto[name];
    crypto[name] = (algorithm: unknown, ...rest: unknown[]) => (algorithm === "des" ? identity : original(algorithm, ...rest));
  }
}

interface S3rverListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface S3rverStore {
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
}
type S3rverObject = { key: string };
type S3rverObjectClass = new (bucket: string, key: string, content: null, metadata: Record<string, string>) => S3rverObject;

/** Byte order of the keys' UTF-8, as S3 sorts them (JavaScript's `<` compares UTF-16 units). */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const OBJECT_FILE = "._S3rver_object";

/**
 * The keys stored under `dir` (whose keys all start with `keyPrefix`), lazily, in S3's byte order:
 * each folder's entries sorted as the keys they begin (`acme-x/` before `acme` before `acme/`), so
 * one folder's keys are contiguous. `skip(folderKey)` leaves a folder out without reading it.
 */
function* keysInOrder(dir: string, keyPrefix: string, skip: (folderKey: string) => boolean): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const children: { key: string; dir?: string }[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) children.push({ key: `${keyPrefix}${entry.name}/`, dir: join(dir, entry.name) });
    else if (entry.name.endsWith(OBJECT_FILE)) children.push({ key: `${keyPrefix}${entry.name.slice(0, -OBJECT_FILE.length)}` });
  }
  children.sort((x, y) => utf8Order(x.key, y.key));
  for (const child of children) {
    if (child.dir === undefined) yield child.key;
    else if (!skip(child.key)) yield* keysInOrder(child.dir, child.key, skip);
  }
}

/**
 * s3rver lists keys in the order it walks its folders (`acme/…` before `acme-x/…`, where S3's byte
 * order puts `acme-x/` first), so StartAfter skips keys S3 would return; and with a Delimiter it
 * never enters a folder beneath a common prefix, so a folder that holds only folders (`backups/acme/`)
 * is missing from CommonPrefixes. Both are S3 semantics clients rely on: here its listing becomes
 * S3's, keys in byte order, then StartAfter, Delimiter and MaxKeys, reading only the folders a page
 * needs. A delimited listing returns every entry at once (never truncated): s3rver makes its
 * continuation token from the last object, and such a page may end on a prefix.
 */
function conformS3rverListing(): void {
  const load = createRequire(__filename);
  const store = load("s3rver/lib/stores/filesystem") as { prototype: S3rverStore & { listObjects: unknown; s3Listing?: true } };
  const S3Object = load("s3rver/lib/models/object") as S3rverObjectClass;
  if (store.prototype.s3Listing) return;
  store.prototype.s3Listing = true;
  store.prototype.listObjects = async function (this: S3rverStore, bucket: string, options: S3rverListOptions) {
    const { delimiter = "", startAfter = "", prefix = "", maxKeys = Infinity } = options;
    const keys: string[] = [];
    const commonPrefixes: string[] = [];
    let isTruncated = false;
    const skip = (folder: string) =>
      (!folder.startsWith(prefix) && !prefix.startsWith(folder)) ||
      (utf8Order(folder, startAfter) < 0 && !startAfter.startsWith(folder)) ||
      (commonPrefixes.length > 0 && folder.startsWith(commonPrefixes.at(-1) ?? ""));
    for (const key of keysInOrder(this.getBucketPath(bucket), "", skip)) {
      if (!key.startsWith(prefix) || utf8Order(key, startAfter) <= 0) continue;
      const at = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        const common = key.slice(0, at + delimiter.length);
        if (commonPrefixes[commonPrefixes.length - 1] !== common) commonPrefixes.push(common);
      } else if (delimiter === "" && keys.length >= maxKeys) {
        isTruncated = true;
        break;
      } else keys.push(key);
    }
    // An object deleted since the walk saw it is left out, as s3rver's own listing does.
    const found = await Promise.all(
      keys.map((key) =>
        this.getMetadata(bucket, key).then(
          (metadata) => new S3Object(bucket, key, null, metadata),
          (error: NodeJS.ErrnoException) => {
            if (error.code === "ENOENT") return undefined;
            throw error;
          },
        ),
      ),
    );
    return { objects: found.filter((o): o is S3rverObject => o !== undefined), commonPrefixes, isTruncated };
  };
}

/**
 * `address`: where it listens, 127.0.0.1 by default; the end-to-end suite's real node gives its
 * pods the bridge's address (the only address of this machine a pod can reach).
 */
export async function startS3Server(options: { bucket?: string; address?: string } = {}): Promise<S3Server> {
  allowS3rverContinuationTokens();
  conformS3rverListing();
  const bucket = options.bucket ?? "openclaw-backups";
  const address = options.address ?? "127.0.0.1";
  const dir = mkdtempSync(join(tmpdir(), "ocb-s3rver-"));
  const port = await freePort();
  const events: StoredEvent[] = [];
  const sockets = new Set<Socket>();
  const requests: RequestRecord[] = [];
  let fault: FaultPredicate | undefined;
  let closedBytes = 0;
  let baseline = 0;
  let current: S3rver | undefined;
  let httpServer: Server | undefined;

  const start = async (): Promise<void> => {
    const server = new S3rver({ address, port, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
    server.on("event", (event) => {
      for (const record of event.Records) {
        events.push({ type: record.eventName.split(":").pop() ?? "", key: record.s3.object.key, size: record.s3.object.size ?? 0 });
      }
    });
    await server.run();
    current = server;
    httpServer = server.httpServer;
    // Every request passes here first: recorded, and answered with an injected fault if one is set.
    const serve = httpServer?.listeners("request") ?? [];
    httpServer?.removeAllListeners("request");
    httpServer?.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const record = requestRecord(req, bucket);
      requests.push(record);
      if (fault?.(record)) {
        req.resume();
        res.writeHead(403, { "content-type": "application/xml" });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>injected by the test</Message></Error>');
        return;
      }
      for (const listener of serve) (listener as (req: IncomingMessage, res: ServerResponse) => void).call(httpServer, req, res);
    });
    httpServer?.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => {
        closedBytes += socket.bytesRead;
        sockets.delete(socket);
      });
    });
  };

  const stop = async (): Promise<void> => {
    if (!current || !httpServer) return;
    const server = current;
    const http = httpServer;
    current = undefined;
    httpServer = undefined;
    const closed = server.close();
    http.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await start();
  return {
    endpoint: `http://${address}:${port}`,
    port,
    dir,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    events,
    requests,
    injectFault: (predicate) => {
      fault = predicate;
    },
    bytesReceived: () => closedBytes + [...sockets].reduce((sum, s) => sum + s.bytesRead, 0) - baseline,
    resetCounters: () => {
      events.length = 0;
      requests.length = 0;
      baseline = closedBytes + [...sockets].reduce((sum, s) => sum + s.bytesRead, 0);
    },
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    objectFile: (key: string) => {
      const parts = key.split("/");
      const last = parts.pop() ?? "";
      return join(dir, bucket, ...parts, `${last}._S3rver_object`);
    },
  };
}

/**
 * moto's S3 server (PyPI, from test/toolchain/build.sh) as a separate process on 127.0.0.1, with
 * IAM enforced: every request must carry a valid SigV4 signature of the key moto-setup.py creates.
 * `objectLock` makes the bucket an Object Lock bucket with a default retention, so every upload
 * must carry a checksum. In-memory: stop/start are not supported, nor the s3rver-only hooks
 * (objectFile, injectFault; events and requests stay empty).
 */
export async function startMotoServer(options: { bucket?: string; objectLock?: boolean } = {}): Promise<S3Server> {
  const { spawn } = await import("node:child_process");
  const { engineToolsPath } = await import("./engine-tools");
  const { run } = await import("./engine-runner");
  const bucket = options.bucket ?? "openclaw-backups";
  const port = await freePort();
  const path = `${engineToolsPath()}:${process.env.PATH ?? ""}`;
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: { PATH: path, INITIAL_NO_AUTH_ACTION_COUNT: "3", MOTO_S3_CUSTOM_ENDPOINTS: "" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (log = (log + chunk).slice(-4000)));
  let exited = false;
  child.on("exit", () => (exited = true));
  const kill = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (!exited) process.kill(-child.pid, "SIGKILL");
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (exited || Date.now() > deadline) {
      await kill();
      throw new Error(`moto_server did not start on ${endpoint}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const setup = await run(
    join(
      engineToolsPath()
        .split(":")
        .find((p) => p.includes("/moto-")) ?? "",
      "python",
    ),
    [join(__dirname, "moto-setup.py"), endpoint, options.objectLock ? `${bucket}:lock` : bucket],
    { PATH: path },
    { timeoutMs: 60_000 },
  );
  if (setup.code !== 0) {
    await kill();
    throw new Error(`moto-setup.py failed:\n${setup.stderr}`);
  }
  const key = JSON.parse(setup.stdout) as { accessKeyId: string; secretAccessKey: string };
  const unsupported = (what: string) => (): never => {
    throw new Error(`${what} is an s3rver-only test hook; this suite runs on moto`);
  };
  return {
    endpoint,
    port,
    dir: "",
    bucket,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    events: [],
    requests: [],
    bytesReceived: () => 0,
    resetCounters: () => undefined,
    stop: unsupported("stop"),
    start: unsupported("start"),
    close: kill,
    objectFile: unsupported("objectFile"),
    injectFault: unsupported("injectFault"),
  };
}
