// A real S3-compatible server (s3rver) in-process on 127.0.0.1, for the engine's data-path tests.
// It records what it stored (PUT vs server-side COPY, with sizes) and how many bytes it received,
// so tests can check rclone's own transfer stats against the server's view.
// Only async child processes may run while it serves: a sync spawn blocks its event loop.
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startS3Server(options: { bucket?: string } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? "openclaw-backups";
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
    const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
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
    endpoint: `http://127.0.0.1:${port}`,
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
