/**
 * Layers and an image config → an OCI image archive: a tar of an OCI image
 * layout (oci-layout, index.json, blobs/sha256/…), which
 * `ctr -n k8s.io images import <archive>` loads under the name in its
 * index (the `io.containerd.image.name` annotation). Every byte is derived
 * from the inputs: JSON in a fixed key order, layers from tar.ts, gzip
 * without a timestamp.
 */
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import type { Layer } from "./layer";
import { tarStream, type TarEntry } from "./tar";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  layerTar: "application/vnd.oci.image.layer.v1.tar",
} as const;

/** containerd names an imported image after this annotation of its index entry. */
export const CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** What the image runs, as in the `config` of an OCI image config (the Dockerfile's USER, ENV, …). */
export interface RunConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly WorkingDir?: string;
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  readonly Labels?: Readonly<Record<string, string>>;
}

export interface ImageRecipe {
  /** The full reference to import it as: `registry/path:tag`. */
  readonly reference: string;
  readonly layers: readonly Layer[];
  readonly config: RunConfig;
  readonly compression: "gzip" | "none";
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface WrittenLayout {
  /** The manifest's digest: what `<repository>@<digest>` pins, and what containerd reports. */
  readonly digest: string;
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly (Descriptor & { readonly diffId: string })[];
}

/** Counts and hashes what passes through. */
class Digester extends Transform {
  private readonly hash = createHash("sha256");
  size = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

const blobPath = (layout: string, digest: string) => join(layout, "blobs", "sha256", digest.slice("sha256:".length));

function writeJsonBlob(layout: string, mediaType: string, value: unknown): Descriptor {
  const bytes = Buffer.from(JSON.stringify(value), "utf8");
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  writeFileSync(blobPath(layout, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

async function writeLayer(
  layout: string,
  entries: readonly TarEntry[],
  compression: ImageRecipe["compression"],
  index: number,
): Promise<Descriptor & { diffId: string }> {
  const temp = join(layout, "blobs", "sha256", `.layer-${index}.partial`);
  const uncompressed = new Digester();
  const stored = new Digester();
  // mtime 0 and no file name in the gzip header; the level is fixed so the bytes are.
  const source = Readable.from(tarStream(entries));
  if (compression === "gzip")
    await pipeline(source, uncompressed, createGzip({ level: constants.Z_BEST_SPEED }), stored, createWriteStream(temp));
  else await pipeline(source, uncompressed, stored, createWriteStream(temp));
  const digest = stored.digest();
  renameSync(temp, blobPath(layout, digest));
  return {
    mediaType: compression === "gzip" ? MEDIA_TYPES.layerGzip : MEDIA_TYPES.layerTar,
    digest,
    size: stored.size,
    diffId: uncompressed.digest(),
  };
}

/** The tag part of a reference (`…:tag`), for the OCI ref-name annotation. */
export function referenceTag(reference: string): string {
  const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0 || reference.includes("@"))
    throw new Error(`image reference ${reference} must be name:tag (no digest: the digest is the result)`);
  return lastSegment.slice(colon + 1);
}

/** Writes the OCI image layout of the recipe into the empty folder `layout`. */
export async function writeLayout(layout: string, recipe: ImageRecipe, progress: (message: string) => void): Promise<WrittenLayout> {
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  const layers: (Descriptor & { diffId: string })[] = [];
  for (const [i, layer] of recipe.layers.entries()) {
    const t0 = Date.now();
    const written = await writeLayer(layout, layer.sorted(), recipe.compression, i);
    layers.push(written);
    progress(
      `layer ${i + 1}/${recipe.layers.length} (${layer.description}): ${(written.size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const created = new Date(0).toISOString();
  const config = writeJsonBlob(layout, MEDIA_TYPES.config, {
    created,
    architecture: "amd64",
    os: "linux",
    config: recipe.config,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: recipe.layers.map((l) => ({ created, created_by: `openclaw-fleet test/e2e/images: ${l.description}` })),
  });
  const manifest = writeJsonBlob(layout, MEDIA_TYPES.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
  });
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [
        {
          ...manifest,
          platform: { architecture: "amd64", os: "linux" },
          annotations: { [CONTAINERD_NAME_ANNOTATION]: recipe.reference, [REF_NAME_ANNOTATION]: referenceTag(recipe.reference) },
        },
      ],
    }),
  );
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return { digest: manifest.digest, manifest, config, layers };
}

/** The layout folder as one tar (the OCI archive), its blobs in digest order. */
export async function writeArchive(layout: string, written: WrittenLayout, archive: string): Promise<void> {
  const blobs = [written.config, ...written.layers, written.manifest].map((d) => d.digest).sort();
  const owner = { uid: 0, gid: 0 };
  const entries: TarEntry[] = [
    { type: "dir", path: "blobs", mode: 0o755, ...owner },
    { type: "dir", path: "blobs/sha256", mode: 0o755, ...owner },
    ...[...new Set(blobs)].map((digest): TarEntry => {
      const source = blobPath(layout, digest);
      return { type: "file", path: `blobs/sha256/${digest.slice(7)}`, mode: 0o644, size: statSync(source).size, source, ...owner };
    }),
    ...["index.json", "oci-layout"].map((name): TarEntry => ({
      type: "file",
      path: name,
      mode: 0o644,
      source: join(layout, name),
      size: statSync(join(layout, name)).size,
      ...owner,
    })),
  ];
  await pipeline(tarStream(entries), createWriteStream(archive));
}
