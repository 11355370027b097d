import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTools } from "./engine-runner";
import { useEngineTools } from "./engine-tools";
import { startMotoServer, startS3Server, type S3Server } from "./s3server";

/** Which S3 implementation data-path suites run on: OCB_TEST_S3=moto for moto, else s3rver. */
export type S3Implementation = "s3rver" | "moto";

export function selectedS3(): S3Implementation {
  return process.env.OCB_TEST_S3 === "moto" ? "moto" : "s3rver";
}

/**
 * Mocha hooks shared by the engine suites: put the backup image's exact rclone first on PATH,
 * check the tools are installed, start one S3 server on 127.0.0.1 and a scratch directory for the
 * suite, and remove both afterwards, whatever happened. Suites that inject faults through
 * s3rver's hooks pass `server: "s3rver"`; the others run on the server OCB_TEST_S3 selects.
 */
export function engineSuite(
  name: string,
  ready: (s3: S3Server, work: string) => void,
  options: { server?: S3Implementation; objectLock?: boolean } = {},
): void {
  let server: S3Server | undefined;
  let dir: string | undefined;

  before(async function () {
    this.timeout(300_000);
    useEngineTools();
    await requireTools();
    const implementation = options.server ?? selectedS3();
    server = implementation === "moto" ? await startMotoServer({ objectLock: options.objectLock }) : await startS3Server();
    dir = mkdtempSync(join(tmpdir(), `ocb-${name}-`));
    ready(server, dir);
  });

  after(async () => {
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
}
