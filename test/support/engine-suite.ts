import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTools } from "./engine-runner";
import { startS3Server, type S3Server } from "./s3server";

/**
 * Mocha hooks shared by the engine suites: check the tools are installed,
 * start one S3 server on 127.0.0.1 and a scratch directory for the suite, and
 * remove both afterwards, whatever happened.
 */
export function engineSuite(name: string, ready: (s3: S3Server, work: string) => void): void {
  let server: S3Server | undefined;
  let dir: string | undefined;

  before(async function () {
    this.timeout(60_000);
    await requireTools();
    server = await startS3Server();
    dir = mkdtempSync(join(tmpdir(), `ocb-${name}-`));
    ready(server, dir);
  });

  after(async () => {
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
}
