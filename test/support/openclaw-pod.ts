// An instance's pod, run on this host with the pinned OpenClaw: the rendered init container
// (bootstrap.mjs), then the gateway the app container runs, with the rendered env, config files
// and token Secret value. What is translated for a host, and only that: each volume is a
// directory; the home, state and tmp volumes are bind-mounted at their pod paths (/home/node,
// /home/node/.openclaw, /tmp) in a private mount namespace per process (`unshare -m`), because
// OpenClaw records absolute state paths in its databases (the cron store is keyed by
// /home/node/.openclaw/cron/jobs.json) and keeps its state locks in a fixed /tmp, so a restored copy
// must sit where the pod has it, next to its own /tmp; the other mounts are mapped to their
// directories in env and command lines; `node` is the Node 24 of the
// pinned release (the app image's Node); the image's entrypoint is `openclaw gateway`; and the
// gateway listens on 127.0.0.1 on a free port (`--bind loopback`, OPENCLAW_GATEWAY_PORT) instead
// of the pod network on 18789. Every process is started in its own process group and stopped by
// it, within a deadline.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { killGroup, openclawRuntime, runBounded, type CliResult } from "../../scripts/lib/openclaw-cli";
import type { VolumeMount } from "../backup-k8s/fixtures";
import type { Container, Manifest, PodSpec } from "../backup-k8s/fixtures";
import { STATE_DIR } from "../../components/config/ports";
import { hostMounts, mapPaths, mountSource, resolveEnv } from "./pod-on-host";
import { kubernetesObjects, minimalStack, ROOT, runProgram } from "./stacks";
import { freePort } from "./ports";

export interface RenderedPod {
  readonly objects: readonly Manifest[];
  readonly pod: PodSpec;
  container(name: string): Container;
  initContainer(name: string): Container;
}

/** Renders `acme/bot` with these instance settings and returns its StatefulSet's pod. */
export async function renderPod(instance: Record<string, unknown>): Promise<RenderedPod> {
  const objects = kubernetesObjects(await runProgram(minimalStack(instance))) as unknown as Manifest[];
  const sts = objects.filter((o) => o.kind === "StatefulSet");
  const [first] = sts;
  assert.ok(sts.length === 1 && first !== undefined, `one StatefulSet, not ${sts.length}`);
  const pod = (first.spec as { template: { spec: PodSpec } }).template.spec;
  const find = (list: Container[] | undefined, name: string) => {
    const found = (list ?? []).find((c) => c.name === name);
    assert.ok(found, `no container ${name}`);
    return found;
  };
  return { objects, pod, container: (name) => find(pod.containers, name), initContainer: (name) => find(pod.initContainers, name) };
}

/**
 * A host directory per volume of the pod (`root/<volume>`), ConfigMap volumes filled with the
 * rendered ConfigMap's data (or the items it selects). `existing` puts a volume on a given
 * directory instead (a restored state volume).
 */
export function hostVolumes(rendered: RenderedPod, root: string, existing: Readonly<Record<string, string>> = {}): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const volume of rendered.pod.volumes) {
    const dir = existing[volume.name] ?? join(root, volume.name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    dirs.set(volume.name, dir);
    const ref: { name: string; items?: { key: string; path: string }[] } | undefined = volume.configMap;
    if (ref === undefined) continue;
    const cm = rendered.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === ref.name);
    if (cm === undefined) continue; // a user's ConfigMap the program does not create
    const data = (cm.data ?? {}) as Record<string, string>;
    const items = ref.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const item of items) {
      mkdirSync(dirname(join(dir, item.path)), { recursive: true });
      const content = data[item.key];
      assert.ok(content !== undefined, `the ConfigMap has no key ${item.key}`);
      writeFileSync(join(dir, item.path), content);
    }
  }
  return dirs;
}

/**
 * Volumes that keep their pod paths (bind-mounted in a mount namespace): OpenClaw stores absolute
 * paths under the home and state volumes, and keys its state lifecycle locks by the database path
 * under a fixed /tmp (its own dir per pod, the `tmp` emptyDir). Their host directories must not be
 * under /tmp (see podRoot).
 */
const AT_POD_PATHS = new Set(["home", "state", "workspace", "tmp"]);
/** Pod paths that do not exist on a host: a private tmpfs goes over them first. */
const HIDDEN_ROOTS = ["/home"];

/**
 * A directory for one test's pods, outside /tmp: each process sees its pod's own `tmp` volume at
 * /tmp, which would hide everything under the host's /tmp.
 */
export function podRoot(prefix: string): string {
  const base = "/var/tmp";
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

/** Fails, saying why, when this host cannot give a process its own mount namespace. */
export async function requirePodMounts(): Promise<void> {
  const probe = await runBounded(
    "unshare",
    ["-m", "--propagation", "private", "true"],
    { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    10_000,
  ).catch((err: Error) => ({ code: -1, stderr: err.message }));
  if (probe.code !== 0) {
    throw new Error(
      `the pod's volumes are bind-mounted at their pod paths in a private mount namespace (unshare -m, util-linux), which needs root or CAP_SYS_ADMIN; CI runs as root. unshare said: ${probe.stderr.trim()}`,
    );
  }
}

/** The container's mounts that stay at their pod paths, parents first: [host dir, pod path]. */
function podBinds(container: Container, volumes: ReadonlyMap<string, string>): [string, string][] {
  const mounts: VolumeMount[] = container.volumeMounts ?? [];
  return mounts
    .filter((m) => AT_POD_PATHS.has(m.name))
    .map((m): [string, string] => [mountSource(container, m, volumes), m.mountPath])
    .sort((a, b) => a[1].length - b[1].length);
}

/** Mount path -> host dir for the container's other mounts (mapped in env values and arguments). */
function mappedMounts(container: Container, volumes: ReadonlyMap<string, string>): Map<string, string> {
  const mounts = hostMounts(container, volumes);
  for (const [, podPath] of podBinds(container, volumes)) mounts.delete(podPath);
  return mounts;
}

/**
 * `command args` run in a private mount namespace where the container's home, state and tmp
 * volumes are bind-mounted at their pod paths; a tmpfs goes over /home first, so nothing of the
 * host's own /home shows and nothing is created there.
 */
function inPodMounts(
  container: Container,
  volumes: ReadonlyMap<string, string>,
  command: string,
  args: readonly string[],
): [string, string[]] {
  const binds = podBinds(container, volumes);
  if (binds.length === 0) return [command, [...args]];
  for (const [dir] of binds) assert.ok(!dir.startsWith("/tmp/"), `${dir}: pod volumes must not live under /tmp (use podRoot)`);
  const hidden = HIDDEN_ROOTS.filter((root) => binds.some(([, podPath]) => podPath.startsWith(`${root}/`)));
  // The checkout holds the app's Node and OpenClaw (node_modules): when it lives under a path the
  // pod mounts over (a CI clone in a mktemp -d folder under /tmp, a home under /home), it is bound
  // aside first and back at its own path last, so the process still finds them.
  const covered = [...hidden, ...binds.map(([, podPath]) => podPath)].some((p) => ROOT === p || ROOT.startsWith(`${p}/`));
  const [keep, aside] = covered ? [ROOT, checkoutAside()] : ["", ""];
  const script = [
    'keep=$1 aside=$2; shift 2; [ -z "$keep" ] || mount --bind "$keep" "$aside" || exit 97',
    'n=$1; shift; while [ "$n" -gt 0 ]; do mount -t tmpfs openclaw-pod "$1" || exit 97; shift; n=$((n - 1)); done',
    'n=$1; shift; while [ "$n" -gt 0 ]; do mkdir -p "$2" && mount --bind "$1" "$2" || exit 97; shift 2; n=$((n - 1)); done',
    '[ -z "$keep" ] || { mkdir -p "$keep" && mount --bind "$aside" "$keep"; } || exit 97',
    'exec "$@"',
  ].join("\n");
  return [
    "unshare",
    [
      "-m",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "pod-mounts",
      keep,
      aside,
      String(hidden.length),
      ...hidden,
      String(binds.length),
      ...binds.flat(),
      command,
      ...args,
    ],
  ];
}

let aside: string | undefined;
/** An empty mount point outside every pod path, for the checkout while its own path is covered. */
function checkoutAside(): string {
  if (aside === undefined) {
    const dir = podRoot("openclaw-pod-checkout-");
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    aside = dir;
  }
  return aside;
}

/** The container's env on this host: resolved from the rendered Secrets, other mounts mapped, Node 24 first on PATH. */
export function containerEnv(rendered: RenderedPod, container: Container, volumes: ReadonlyMap<string, string>): Record<string, string> {
  const secrets = rendered.objects.filter((o) => o.kind === "Secret");
  const mounts = mappedMounts(container, volumes);
  const env = resolveEnv(container, secrets);
  for (const [name, value] of Object.entries(env)) env[name] = mapPaths(value, mounts);
  const path = env.PATH ?? process.env.PATH ?? "/usr/bin:/bin";
  env.PATH = `${dirname(openclawRuntime().node)}:${path}`;
  return env;
}

/** Runs `node <args>` (the app image's Node) as a process of `container`: its mounts, its env. */
function runInContainer(
  container: Container,
  volumes: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string>>,
  nodeArgs: readonly string[],
  timeoutMs: number,
): Promise<CliResult> {
  const [command, args] = inPodMounts(container, volumes, openclawRuntime().node, nodeArgs);
  return runBounded(command, args, env, timeoutMs);
}

/** The host dir the app container sees as its state directory (the state volume's folder). */
export function appStateDir(rendered: RenderedPod, volumes: ReadonlyMap<string, string>): string {
  const app = rendered.container("openclaw");
  const mount = (app.volumeMounts ?? []).find((m) => m.mountPath === STATE_DIR);
  assert.ok(mount !== undefined, `the app container mounts nothing at ${STATE_DIR}`);
  return mountSource(app, mount, volumes);
}

/**
 * The init containers that prepare the state, in the pod's order (`init-state`, then
 * `init-config`); fails with the first one's output that does not exit 0.
 */
export async function prepareState(rendered: RenderedPod, volumes: ReadonlyMap<string, string>): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const name of ["init-state", "init-config"]) {
    const result = await runInitContainer(rendered, name, volumes);
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    results.push(result);
  }
  return results;
}

/** Runs an init container's command (`node …` on the app image) on this host. */
export async function runInitContainer(
  rendered: RenderedPod,
  name: string,
  volumes: ReadonlyMap<string, string>,
  timeoutMs = 60_000,
): Promise<CliResult> {
  const container = rendered.initContainer(name);
  const mounts = mappedMounts(container, volumes);
  const [command, ...args] = [...(container.command ?? []), ...(container.args ?? [])].map((a) => mapPaths(a, mounts));
  assert.equal(command, "node", `${name} runs ${command}; only the app image's node is provided here`);
  return runInContainer(container, volumes, containerEnv(rendered, container, volumes), args, timeoutMs);
}

/** The app container's postStart hook (`env … node bootstrap.mjs config`), as the kubelet runs it. */
export async function runPostStart(rendered: RenderedPod, volumes: ReadonlyMap<string, string>): Promise<CliResult> {
  const container = rendered.container("openclaw") as Container & { lifecycle?: { postStart?: { exec?: { command: string[] } } } };
  const command = container.lifecycle?.postStart?.exec?.command;
  assert.ok(command !== undefined && command[0] === "env", "the app container restores its config in a postStart exec hook");
  const mapped = command.map((a) => mapPaths(a, mappedMounts(container, volumes)));
  const nodeAt = mapped.indexOf("node");
  assert.ok(nodeAt > 0);
  const hookEnv = { ...containerEnv(rendered, container, volumes) };
  for (const assignment of mapped.slice(1, nodeAt)) {
    const eq = assignment.indexOf("=");
    hookEnv[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return runInContainer(container, volumes, hookEnv, mapped.slice(nodeAt + 1), 60_000);
}

export function httpGet(port: number, path: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: "127.0.0.1", port, path, timeout: timeoutMs }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolveGet({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A TCP connection to the port, as the pod's tcpSocket probes open one. */
export function tcpProbe(port: number, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolveProbe(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export interface Gateway {
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  log(): string;
  /** Seconds from start until /readyz said ready. */
  readonly readySeconds: number;
  /** `openclaw <args>` as a process of the same container (`kubectl exec`): its mounts, its env (or `env`). */
  cli(args: readonly string[], env?: Readonly<Record<string, string>>, timeoutMs?: number): Promise<CliResult>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `openclaw gateway` as the app container of `rendered` and waits until its /readyz
 * answers `{"ready":true}` (the JSON, not just a 200: the Control UI answers unknown paths with
 * 200). Fails with the gateway's log if it exits or is not ready within `timeoutMs`.
 */
export async function startGateway(rendered: RenderedPod, volumes: ReadonlyMap<string, string>, timeoutMs = 150_000): Promise<Gateway> {
  const container = rendered.container("openclaw");
  const port = await freePort();
  const env = { ...containerEnv(rendered, container, volumes), OPENCLAW_GATEWAY_PORT: String(port) };
  const { cli } = openclawRuntime();
  const [command, args] = inPodMounts(container, volumes, openclawRuntime().node, [cli, "gateway", "--bind", "loopback"]);
  const started = Date.now();
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  let exited: string | undefined;
  const closed = new Promise<void>((resolveClosed) =>
    child.on("close", (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      resolveClosed();
    }),
  );
  const stop = async (graceMs = 15_000) => {
    if (exited !== undefined) return;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    await closed;
    clearTimeout(timer);
    killGroup(child, "SIGKILL");
  };
  for (;;) {
    if (exited !== undefined) throw new Error(`the gateway ${exited} before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() - started > timeoutMs) {
      await stop(2_000);
      throw new Error(`the gateway was not ready within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    }
    const ready = await httpGet(port, "/readyz", 2_000).catch(() => undefined);
    if (ready !== undefined && ready.status === 200 && readyFlag(ready.body)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    port,
    env,
    child,
    log: () => output,
    readySeconds: (Date.now() - started) / 1000,
    cli: (cliArgs, cliEnv = env, cliTimeoutMs = 120_000) => runInContainer(container, volumes, cliEnv, [cli, ...cliArgs], cliTimeoutMs),
    stop,
  };
}

function readyFlag(body: string): boolean {
  try {
    return (JSON.parse(body) as { ready?: boolean }).ready === true;
  } catch {
    return false;
  }
}
