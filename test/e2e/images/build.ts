/**
 * Builds an image recipe into an OCI archive once, and reuses it after:
 * `<cache>/images/<name>-<key>/image.tar`, where the key hashes every input
 * (each file's bytes, path, mode and owner, the run config, the reference,
 * the compression and this builder's own source). A changed input is a new
 * key; nothing is rebuilt otherwise. Progress goes to stderr.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileHashesIn } from "./file-hashes";
import { writeArchive, writeLayout, type ImageRecipe } from "./oci";

export interface BuiltImage {
  /** The OCI archive: `ctr -n k8s.io images import <archive>`. */
  readonly archive: string;
  /** The name it is imported under, `registry/path:tag`. */
  readonly reference: string;
  /** The manifest digest, `sha256:…`: `<repository>@<digest>` pins exactly this image. */
  readonly digest: string;
  /** `<repository>@<digest>`. */
  readonly pinned: string;
}

/** `$OPENCLAW_FLEET_CACHE/images`, by default `~/.cache/openclaw-fleet/images` (the toolchains' cache). */
export function imagesCacheDir(): string {
  return join(process.env.OPENCLAW_FLEET_CACHE ?? join(homedir(), ".cache", "openclaw-fleet"), "images");
}

const BUILDER_SOURCES = ["tar.ts", "layer.ts", "oci.ts", "build.ts", "file-hashes.ts"];

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The hash of everything that decides the archive's bytes. */
export function recipeKey(
  recipe: ImageRecipe,
  hashes: { sha256(path: string): string } = { sha256: (path) => sha256(readFileSync(path)) },
): string {
  const hash = createHash("sha256");
  const add = (value: unknown) => hash.update(`${JSON.stringify(value)}\n`);
  // The writer's own code is an input: a fix to it must not be hidden by an old archive.
  for (const file of BUILDER_SOURCES) add([file, sha256(readFileSync(join(__dirname, file)))]);
  // zlib's output may change between its versions.
  add({
    reference: recipe.reference,
    config: recipe.config,
    compression: recipe.compression,
    zlib: recipe.compression === "gzip" ? process.versions.zlib : null,
  });
  for (const layer of recipe.layers) {
    add(["layer", layer.description]);
    for (const entry of layer.sorted()) {
      if (entry.type !== "file") add(entry);
      else {
        const { data: _data, source: _source, ...meta } = entry as typeof entry & { data?: Buffer; source?: string };
        add({ ...meta, sha256: "data" in entry ? sha256(entry.data) : hashes.sha256(entry.source) });
      }
    }
  }
  return hash.digest("hex");
}

function repositoryOf(reference: string): string {
  return reference.slice(0, reference.lastIndexOf(":"));
}

/** The archive of this recipe, from the cache or built now (with progress on stderr). */
export async function buildImage(
  recipe: ImageRecipe,
  log: (message: string) => void = (m) => process.stderr.write(`images: ${m}\n`),
): Promise<BuiltImage> {
  mkdirSync(imagesCacheDir(), { recursive: true });
  const hashes = fileHashesIn(imagesCacheDir());
  const key = recipeKey(recipe, hashes);
  hashes.save();
  const slug = recipe.reference.replace(/^[^/]*\//, "").replace(/[^a-z0-9.-]+/g, "-");
  const dir = join(imagesCacheDir(), `${slug}-${key.slice(0, 16)}`);
  const metaFile = join(dir, "image.json");
  const archive = join(dir, "image.tar");
  if (existsSync(metaFile)) return { ...(JSON.parse(readFileSync(metaFile, "utf8")) as Omit<BuiltImage, "archive">), archive };

  const t0 = Date.now();
  log(`building ${recipe.reference} (first use; cached in ${dir})`);
  const temp = mkdtempSync(join(imagesCacheDir(), ".building-"));
  try {
    const written = await writeLayout(join(temp, "layout"), recipe, log);
    await writeArchive(join(temp, "layout"), written, join(temp, "image.tar"));
    rmSync(join(temp, "layout"), { recursive: true, force: true });
    const built: BuiltImage = {
      archive,
      reference: recipe.reference,
      digest: written.digest,
      pinned: `${repositoryOf(recipe.reference)}@${written.digest}`,
    };
    const { archive: _archive, ...meta } = built;
    writeFileSync(join(temp, "image.json"), `${JSON.stringify(meta, null, 2)}\n`);
    // A concurrent build of the same key wrote the same bytes: keep whichever landed first.
    if (!existsSync(dir)) renameSync(temp, dir);
    log(`built ${recipe.reference} (${written.digest}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return built;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
