/**
 * The backup image, as the real one (components/config/backup-image.ts: rclone's
 * own image, rclone/rclone 1.68.2): a busybox userland, the CA bundle, and
 * rclone at /usr/local/bin, with rclone's ENTRYPOINT, WORKDIR /data and
 * XDG_CONFIG_HOME=/config. The rclone is the exact one the engine tests run
 * (test/toolchain/build.sh: 1.68.2 from its Go module, CGO off, so static).
 *
 * No sqlite3, as in the real image: the rendered backup pod captures SQLite
 * in its `sqlite-snapshot` init container on the app image (node:sqlite), and
 * the engine, given OCB_SQLITE_STAGING, only copies those captures; its
 * sqlite3 path is for running the engine outside the cluster.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { BACKUP_IMAGE } from "../../../components/config/backup-image";
import { busyboxLayer, librariesLayer, systemLayer } from "./base";
import { buildImage, type BuiltImage } from "./build";
import { Layer } from "./layer";
import { E2E_REGISTRY } from "./registry";

const PROJECT = resolve(__dirname, "..", "..", "..");
export const BACKUP_IMAGE_REFERENCE = `${E2E_REGISTRY}/rclone/rclone:${BACKUP_IMAGE.tag}`;

/** The folder of the tests' rclone, built by test/toolchain/build.sh on first use (minutes, needs Go). */
function testsRclone(say: (message: string) => void): string {
  say("finding the tests' rclone (test/toolchain/build.sh rclone; builds it on first use)");
  const out = execFileSync("bash", [join(PROJECT, "test", "toolchain", "build.sh"), "rclone"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = out.trim().split("\n").pop() ?? "";
  const rclone = join(bin, "rclone");
  if (!existsSync(rclone)) throw new Error(`test/toolchain/build.sh rclone printed "${bin}", which holds no rclone`);
  const version = execFileSync(rclone, ["version"], { encoding: "utf8" }).split("\n")[0];
  if (version !== `rclone v${BACKUP_IMAGE.tag}`)
    throw new Error(`the tests' rclone says "${version}", the backup image is rclone ${BACKUP_IMAGE.tag}`);
  return rclone;
}

/** The backup image archive and the name to import it as (`${E2E_REGISTRY}/rclone/rclone:1.68.2`). */
export async function backupImage(log?: (message: string) => void): Promise<BuiltImage> {
  const say = log ?? ((m: string) => process.stderr.write(`images: ${m}\n`));
  const rclone = testsRclone(say);
  return buildImage(
    {
      reference: BACKUP_IMAGE_REFERENCE,
      compression: "gzip",
      config: {
        Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "XDG_CONFIG_HOME=/config"],
        Entrypoint: ["rclone"],
        WorkingDir: "/data",
        Labels: {
          "org.opencontainers.image.title": "rclone (built by openclaw-fleet's end-to-end suite)",
          "org.opencontainers.image.version": BACKUP_IMAGE.tag,
        },
      },
      layers: [
        busyboxLayer(say),
        systemLayer([]).dir("/data").dir("/config"),
        // Empty for a static rclone; kept so that a cgo build would still get its libraries.
        librariesLayer("shared libraries of rclone (none when static)", [rclone]),
        new Layer(`rclone ${BACKUP_IMAGE.tag}`).copy("/usr/local/bin/rclone", rclone, { mode: 0o755 }),
      ],
    },
    say,
  );
}
