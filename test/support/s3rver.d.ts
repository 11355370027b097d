// Minimal typing of the parts of s3rver 3.x the data-path tests use (the package ships none).
declare module "s3rver" {
  import type { Server } from "node:http";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: string[] }[];
  }

  interface S3rverEventRecord {
    eventName: string;
    s3: { object: { key: string; size?: number } };
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    httpServer?: Server;
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    on(event: "event", listener: (event: { Records: S3rverEventRecord[] }) => void): this;
  }

  export = S3rver;
}
