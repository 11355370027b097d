/**
 * Tiny container images for the real node's smoke scenario, made here (no registry is reachable):
 * a root filesystem folder packed as a one-layer OCI image archive that `ctr images import` reads,
 * and the static busybox of Debian's `busybox-static`, extracted from its .deb (never installed:
 * installing it replaces Debian's `busybox`, which other tests run).
 *
 * To be unified with the app and backup images of test/e2e/images (branch e2e-images).
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { run } from "./host";

export interface ImageSpec {
  /** The full reference containerd stores it under, e.g. `localhost/openclaw-e2e/busybox:1.35.0`. */
  readonly name: string;
  readonly rootfs: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly user?: string;
}

function blob(layout: string, bytes: Buffer): { digest: string; size: number } {
  const hex = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(join(layout, "blobs", "sha256", hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** Packs `spec.rootfs` into an OCI image archive at `archive` (byte-identical for the same input). */
export async function writeOciArchive(spec: ImageSpec, archive: string): Promise<void> {
  const layout = `${archive}.layout`;
  rmSync(layout, { recursive: true, force: true });
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  const layerTar = join(layout, "layer.tar");
  await run("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-C", spec.rootfs, "-cf", layerTar, "."]);
  const layer = blob(layout, readFileSync(layerTar));
  rmSync(layerTar);
  const config = blob(
    layout,
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: { Entrypoint: spec.entrypoint, Cmd: spec.cmd, User: spec.user, Env: ["PATH=/bin"] },
        rootfs: { type: "layers", diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = blob(
    layout,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
      }),
    ),
  );
  const tag = spec.name.slice(spec.name.lastIndexOf(":") + 1);
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          platform: { architecture: "amd64", os: "linux" },
          annotations: { "io.containerd.image.name": spec.name, "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  await run("tar", [
    "--sort=name",
    "--mtime=@0",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "-C",
    layout,
    "-cf",
    archive,
    "oci-layout",
    "index.json",
    "blobs",
  ]);
  rmSync(layout, { recursive: true, force: true });
}

/** Applets the smoke scenario calls, linked to the one static binary. */
const APPLETS = ["sh", "cat", "echo", "sleep", "wget", "nc", "httpd", "nslookup", "hostname", "ls", "id"];

/**
 * A root filesystem with Debian's static busybox, its version as the folder's name, under
 * `cacheDir`: downloaded with `apt-get download` and unpacked with `dpkg-deb -x` once.
 */
export async function busyboxRootfs(cacheDir: string): Promise<{ rootfs: string; version: string }> {
  const show = await run("apt-cache", ["show", "--no-all-versions", "busybox-static"]);
  const version = /^Version: (.+)$/m.exec(show)?.[1];
  if (version === undefined) throw new Error("apt-cache knows no busybox-static: run apt-get update");
  const safe = version.replace(/[^A-Za-z0-9.+-]/g, "_");
  const done = join(cacheDir, `busybox-static-${safe}`);
  const rootfs = join(done, "rootfs");
  if (existsSync(join(done, ".done"))) return { rootfs, version };
  const work = `${done}.tmp.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "deb"), { recursive: true });
  await run("sh", ["-c", 'cd "$1" && apt-get download busybox-static', "sh", join(work, "deb")], { timeoutMs: 120_000 });
  const deb = readdirSync(join(work, "deb")).find((f) => f.endsWith(".deb"));
  if (deb === undefined) throw new Error("apt-get download busybox-static left no .deb");
  await run("dpkg-deb", ["-x", join(work, "deb", deb), join(work, "x")]);
  const bin = join(work, "rootfs", "bin");
  mkdirSync(bin, { recursive: true });
  copyFileSync(join(work, "x", "bin", "busybox"), join(bin, "busybox"));
  chmodSync(join(bin, "busybox"), 0o755);
  for (const applet of APPLETS) symlinkSync("busybox", join(bin, applet));
  for (const d of ["tmp", "etc", "proc", "sys", "dev"]) mkdirSync(join(work, "rootfs", d), { recursive: true });
  rmSync(join(work, "deb"), { recursive: true, force: true });
  rmSync(join(work, "x"), { recursive: true, force: true });
  writeFileSync(join(work, ".done"), version);
  mkdirSync(dirname(done), { recursive: true });
  rmSync(done, { recursive: true, force: true });
  renameSync(work, done);
  return { rootfs, version };
}
