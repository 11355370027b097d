// The image writer of the end-to-end suite (test/e2e/images): an archive is byte-identical however
// often it is built, and is a valid OCI image layout: every blob's digest and size match its
// contents, media types are right, the config's diff_ids are the uncompressed layers, and the layer
// holds exactly the entries asked for, sorted, with fixed owners and mtimes.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { buildImage, type BuiltImage } from "./build";
import { Layer } from "./layer";
import { CONTAINERD_NAME_ANNOTATION, MEDIA_TYPES, type ImageRecipe } from "./oci";
import { readTar, type ReadEntry } from "./tar-read";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const LONG = `deep/${"a-rather-long-folder-name/".repeat(6)}file-with-a-long-name.txt`;

function rootfs(parent: string): string {
  const dir = join(parent, "rootfs");
  mkdirSync(join(dir, "bin"), { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  mkdirSync(join(dir, LONG, ".."), { recursive: true });
  writeFileSync(join(dir, "bin", "hello"), "#!/bin/sh\necho hello\n");
  chmodSync(join(dir, "bin", "hello"), 0o755);
  writeFileSync(join(dir, "etc", "motd"), "hi\n");
  writeFileSync(join(dir, LONG), "long\n");
  symlinkSync("hello", join(dir, "bin", "hi"));
  return dir;
}

function recipe(dir: string, compression: ImageRecipe["compression"], motd = "hi\n"): ImageRecipe {
  writeFileSync(join(dir, "etc", "motd"), motd);
  return {
    reference: "registry.test.invalid/demo/hello:1.0",
    compression,
    config: { User: "1000:1000", Env: ["PATH=/bin"], Entrypoint: ["/bin/hello"], Cmd: ["world"], WorkingDir: "/work" },
    layers: [
      new Layer("rootfs").tree("/", dir),
      new Layer("home").dir("/home/app", { mode: 0o700, uid: 1000, gid: 1000 }).file("/work/README", "readme\n"),
    ],
  };
}

function entries(archive: string): Map<string, ReadEntry> {
  return new Map(readTar(readFileSync(archive)).map((e) => [e.path, e]));
}

function blob(files: Map<string, ReadEntry>, descriptor: { digest: string; size: number; mediaType: string }): Buffer {
  const entry = files.get(`blobs/sha256/${descriptor.digest.slice(7)}`);
  assert.ok(entry, `the archive holds the blob ${descriptor.digest}`);
  assert.equal(sha256(entry.data), descriptor.digest, "the blob's digest is the hash of its bytes");
  assert.equal(entry.data.length, descriptor.size, "the descriptor's size is the blob's");
  return entry.data;
}

describe("test/e2e/images: the OCI image writer", function () {
  this.timeout(300_000);
  let work: string;
  let dir: string;
  const savedCache = process.env.OPENCLAW_FLEET_CACHE;
  const quiet = () => undefined;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "oci-image-"));
    dir = rootfs(work);
  });
  afterEach(() => {
    if (savedCache === undefined) delete process.env.OPENCLAW_FLEET_CACHE;
    else process.env.OPENCLAW_FLEET_CACHE = savedCache;
    rmSync(work, { recursive: true, force: true });
  });

  async function buildIn(cache: string, r: ImageRecipe): Promise<BuiltImage> {
    process.env.OPENCLAW_FLEET_CACHE = join(work, cache);
    return buildImage(r, quiet);
  }

  for (const compression of ["gzip", "none"] as const) {
    it(`writes byte-identical archives on two builds (${compression} layers)`, async () => {
      const first = await buildIn("cache-1", recipe(dir, compression));
      const second = await buildIn("cache-2", recipe(dir, compression));
      assert.notEqual(first.archive, second.archive, "two caches, two builds");
      assert.ok(readFileSync(first.archive).equals(readFileSync(second.archive)), "the archives are byte-identical");
      assert.equal(first.digest, second.digest);
      assert.equal(first.pinned, `registry.test.invalid/demo/hello@${first.digest}`);
    });
  }

  it("writes a valid OCI layout: digests, sizes and media types; the name containerd imports it as", async () => {
    const built = await buildIn("cache", recipe(dir, "gzip"));
    const files = entries(built.archive);
    assert.deepEqual(JSON.parse(files.get("oci-layout")?.data.toString() ?? ""), { imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(files.get("index.json")?.data.toString() ?? "") as {
      schemaVersion: number;
      mediaType: string;
      manifests: { mediaType: string; digest: string; size: number; platform: unknown; annotations: Record<string, string> }[];
    };
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.mediaType, MEDIA_TYPES.index);
    assert.equal(index.manifests.length, 1);
    const [entry] = index.manifests;
    assert.equal(entry?.mediaType, MEDIA_TYPES.manifest);
    assert.equal(entry?.digest, built.digest);
    assert.deepEqual(entry?.platform, { architecture: "amd64", os: "linux" });
    assert.equal(entry?.annotations[CONTAINERD_NAME_ANNOTATION], "registry.test.invalid/demo/hello:1.0");
    assert.equal(entry?.annotations["org.opencontainers.image.ref.name"], "1.0");

    const manifest = JSON.parse(blob(files, entry).toString()) as {
      schemaVersion: number;
      mediaType: string;
      config: { mediaType: string; digest: string; size: number };
      layers: { mediaType: string; digest: string; size: number }[];
    };
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, MEDIA_TYPES.manifest);
    assert.equal(manifest.config.mediaType, MEDIA_TYPES.config);
    const config = JSON.parse(blob(files, manifest.config).toString()) as {
      architecture: string;
      os: string;
      config: Record<string, unknown>;
      rootfs: { type: string; diff_ids: string[] };
    };
    assert.equal(config.architecture, "amd64");
    assert.equal(config.os, "linux");
    assert.deepEqual(config.config, {
      User: "1000:1000",
      Env: ["PATH=/bin"],
      Entrypoint: ["/bin/hello"],
      Cmd: ["world"],
      WorkingDir: "/work",
    });
    assert.equal(config.rootfs.type, "layers");
    assert.equal(manifest.layers.length, 2);
    const layers = manifest.layers.map((layer, i) => {
      assert.equal(layer.mediaType, MEDIA_TYPES.layerGzip);
      const tar = gunzipSync(blob(files, layer));
      assert.equal(sha256(tar), config.rootfs.diff_ids[i], "each diff_id is the digest of the uncompressed layer");
      return readTar(tar);
    });
    // Nothing in the archive but the layout.
    const blobNames = [manifest.config, entry, ...manifest.layers].map((d) => `blobs/sha256/${d.digest.slice(7)}`).sort();
    assert.deepEqual([...files.keys()], ["blobs/", "blobs/sha256/", ...blobNames, "index.json", "oci-layout"]);

    const [root, home] = layers;
    assert.ok(root !== undefined && home !== undefined, "the image has two layers");
    const paths = root.map((e) => e.path);
    assert.deepEqual(paths, ["bin/", "bin/hello", "bin/hi", "deep/", ...paths.slice(4, -3), LONG, "etc/", "etc/motd"]);
    for (const e of [...root, ...home, ...files.values()]) {
      assert.equal(e.mtime, 0, `${e.path}: fixed mtime`);
      assert.equal(e.uname, "", `${e.path}: no user name from this host`);
    }
    const byPath = new Map(root.map((e) => [e.path, e]));
    assert.deepEqual(
      {
        type: byPath.get("bin/hello")?.type,
        mode: byPath.get("bin/hello")?.mode,
        uid: byPath.get("bin/hello")?.uid,
        data: byPath.get("bin/hello")?.data.toString(),
      },
      { type: "0", mode: 0o755, uid: 0, data: "#!/bin/sh\necho hello\n" },
    );
    assert.deepEqual({ type: byPath.get("bin/hi")?.type, link: byPath.get("bin/hi")?.linkname }, { type: "2", link: "hello" });
    assert.equal(byPath.get(LONG)?.data.toString(), "long\n", "a path longer than ustar holds is kept (PAX)");
    assert.deepEqual(
      home.map((e) => [e.path, e.type, e.mode, e.uid, e.gid]),
      [
        ["home/", "5", 0o755, 0, 0],
        ["home/app/", "5", 0o700, 1000, 1000],
        ["work/", "5", 0o755, 0, 0],
        ["work/README", "0", 0o644, 0, 0],
      ],
    );
  });

  it("reuses a cached archive for the same inputs and builds anew when a file changes", async () => {
    const logs: string[] = [];
    process.env.OPENCLAW_FLEET_CACHE = join(work, "cache");
    const first = await buildImage(recipe(dir, "gzip"), (m) => logs.push(m));
    assert.ok(logs.length > 0, "the first build reports progress");
    logs.length = 0;
    const again = await buildImage(recipe(dir, "gzip"), (m) => logs.push(m));
    assert.deepEqual(logs, [], "a cached image is not built again");
    assert.equal(again.archive, first.archive);
    const changed = await buildImage(recipe(dir, "gzip", "changed\n"), quiet);
    assert.notEqual(changed.archive, first.archive);
    assert.notEqual(changed.digest, first.digest);
  });
});
