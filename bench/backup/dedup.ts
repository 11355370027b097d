// What a content-addressed store would hold for the same snapshots: every distinct file content
// once. Read from the engine's own manifests (`f TAB sha256 TAB size TAB mode TAB path` lines).
import type { S3Server } from "../../test/support/s3server";
import { rcloneOk } from "./store";

export interface DedupEstimate {
  readonly manifests: number;
  readonly distinctContents: number;
  /** Sum of the sizes of distinct contents: a file-level deduplicating store's data. */
  readonly bytes: number;
}

export async function fileLevelDedup(s3: S3Server, home: string, instancePrefix: string): Promise<DedupEstimate> {
  const text = await rcloneOk(s3, home, ["cat", "--include", "/*/*/manifest.tsv", `store:${s3.bucket}/${instancePrefix}/`]);
  const sizes = new Map<string, number>();
  let manifests = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#openclaw-backup-manifest")) manifests++;
    if (!line.startsWith("f\t")) continue;
    const [, sha, size] = line.split("\t");
    if (sha !== undefined) sizes.set(sha, Number(size));
  }
  let bytes = 0;
  for (const size of sizes.values()) bytes += size;
  return { manifests, distinctContents: sizes.size, bytes };
}
