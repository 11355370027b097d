// The state folder, as the cluster runs it: OpenClaw's state is the folder STATE_FOLDER of the
// state volume, made by the app's user in the first init container, and no other container of
// the instance sees the volume's root (a volume's root belongs to root on real storage, and
// OpenClaw must own its state directory). Backup pods are the exception the other way round:
// they mount the root and the engine finds the folder, so a volume of the old layout is still
// backed up whole.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATE_LAYOUT_FILE } from "../../components/builders/instance/assets";
import { CONFIG_MOUNT_DIR, STATE_DIR, STATE_FOLDER, STATE_VOLUME_ROOT } from "../../components/config/ports";
import { backupStack, podOf, type Container, type Manifest, type PodSpec } from "../backup-k8s/fixtures";
import { assertValidObject } from "../support/k8s-schema";
import { kubernetesObjects, runProgram } from "../support/stacks";

const SCRIPT = join(__dirname, "..", "..", "components", "builders", "instance", "scripts", STATE_LAYOUT_FILE);
const APP_UID = 1000;

/** Every container of the pod with its mounts of the volumes named in `volumes`. */
function stateMounts(
  pod: PodSpec,
  volumes: ReadonlySet<string>,
): { container: Container; init: boolean; mount: { name: string; mountPath: string; subPath?: string } }[] {
  const out = [];
  for (const [init, list] of [
    [true, pod.initContainers ?? []],
    [false, pod.containers],
  ] as const) {
    for (const container of list)
      for (const mount of container.volumeMounts ?? []) if (volumes.has(mount.name)) out.push({ container, init, mount });
  }
  return out;
}

/** Names of the pod's volumes backed by the state claim (or the state emptyDir). */
function stateVolumes(pod: PodSpec, claim: string): Set<string> {
  return new Set(
    pod.volumes
      .filter(
        (v) =>
          (v as { persistentVolumeClaim?: { claimName: string } }).persistentVolumeClaim?.claimName === claim ||
          (v.name === "state" && "emptyDir" in v),
      )
      .map((v) => v.name),
  );
}

describe("instance: the state folder", () => {
  let objects: Manifest[];
  before(async () => {
    // Everything that mounts the state volume: the program's init containers and sidecars, a user's
    // init container, sidecar and app mount of it, a restore Job, the backup CronJob.
    const instance = {
      webTerminal: { enabled: true, image: { tag: "1.7.7" }, credential: { secretRef: { name: "term" } } },
      runtimeDeps: { pnpm: true },
      workspaceVolume: { enabled: true, size: "2Gi" },
      initContainers: [
        { name: "seed", image: "busybox:1.37", command: ["true"], volumeMounts: [{ name: "state", mountPath: "/seed", subPath: "notes" }] },
      ],
      sidecars: [
        {
          name: "reader",
          image: "busybox:1.37",
          command: ["sleep", "infinity"],
          volumeMounts: [{ name: "state", mountPath: "/view", readOnly: true }],
        },
      ],
    };
    objects = kubernetesObjects(await runProgram(backupStack({ restoreFrom: "backups/acme/bot/periodic/20260101T000000Z" }, { instance })));
    for (const object of objects) assertValidObject(object);
  });

  const appPod = () => {
    const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "bot");
    assert.ok(sts);
    return (sts.spec as { template: { spec: PodSpec } }).template.spec;
  };

  it("init-state is the first init container and the only container of the app's pod that mounts the volume's root", () => {
    const pod = appPod();
    assert.equal(pod.initContainers?.[0]?.name, "init-state");
    const mounts = stateMounts(pod, stateVolumes(pod, "bot-data"));
    assert.ok(mounts.length >= 7, `every container that uses the state is checked (${mounts.length})`);
    for (const { container, mount } of mounts) {
      if (container.name === "init-state") {
        assert.deepEqual(mount, { name: "state", mountPath: STATE_VOLUME_ROOT });
        continue;
      }
      assert.ok(
        mount.subPath === STATE_FOLDER || mount.subPath?.startsWith(`${STATE_FOLDER}/`),
        `${container.name} mounts ${mount.mountPath} from ${mount.subPath ?? "the volume's root"}, not from ${STATE_FOLDER}`,
      );
    }
  });

  it("the program's containers mount the folder at the state directory; a user's mount of `state` keeps its meaning inside the folder", () => {
    const pod = appPod();
    const byContainer = (name: string) =>
      stateMounts(pod, new Set(["state"]))
        .filter((m) => m.container.name === name)
        .map((m) => m.mount);
    for (const name of ["init-config", "init-pnpm", "openclaw", "web-terminal"]) {
      assert.ok(
        byContainer(name).some((m) => m.mountPath === STATE_DIR && m.subPath === STATE_FOLDER),
        `${name} sees the state at ${STATE_DIR}`,
      );
    }
    assert.deepEqual(byContainer("seed"), [{ name: "state", mountPath: "/seed", subPath: `${STATE_FOLDER}/notes` }]);
    assert.deepEqual(byContainer("reader"), [{ name: "state", mountPath: "/view", readOnly: true, subPath: STATE_FOLDER }]);
  });

  it("init-state runs the layout script from the instance's ConfigMap, as the app's user, read-only root", () => {
    const init = appPod().initContainers?.[0];
    assert.ok(init);
    assert.deepEqual(init.command, ["node", `${CONFIG_MOUNT_DIR}/${STATE_LAYOUT_FILE}`]);
    const env = Object.fromEntries((init.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.STATE_VOLUME_ROOT, STATE_VOLUME_ROOT);
    assert.equal(env.STATE_FOLDER, STATE_FOLDER);
    assert.equal(init.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(init.securityContext?.runAsUser, undefined, "the pod's user (the app's), not another");
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "bot-config");
    assert.equal((cm?.data as Record<string, string>)[STATE_LAYOUT_FILE], readFileSync(SCRIPT, "utf8"));
  });

  it("backup and restore pods mount the volume's root and tell the engine and the SQLite capture where the folder is", () => {
    const pods = objects.filter(
      (o) => o.metadata.name.startsWith("bot-") && (o.kind === "CronJob" || (o.kind === "Job" && o.metadata.name.includes("restore"))),
    );
    assert.ok(
      pods.some((o) => o.kind === "CronJob") && pods.some((o) => o.kind === "Job"),
      `a backup CronJob and a restore Job (${pods.map((o) => o.metadata.name).join(", ")})`,
    );
    for (const object of pods) {
      const pod = podOf(object);
      const mounts = stateMounts(pod, stateVolumes(pod, "bot-data"));
      assert.ok(mounts.length > 0, `${object.metadata.name} mounts the state volume`);
      for (const { container, mount } of mounts)
        assert.equal(mount.subPath, undefined, `${object.metadata.name}/${container.name} must see the whole volume`);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
        if (!env.has("OCB_SOURCES")) continue;
        assert.equal(
          env.get("OCB_SOURCE_SUBDIRS"),
          `state=${STATE_FOLDER}`,
          `${object.metadata.name}/${container.name}: the workspace volume has no folder`,
        );
      }
    }
  });
});

/**
 * The volume's root as the kubelet leaves it on storage that makes it root's (EBS, most CSI
 * drivers): owned by root, group fsGroup, 2775. Tests run as root (CI does); the script runs as
 * the app's uid, as in the pod.
 */
function kubeletVolume(): string {
  const base = mkdtempSync(join(tmpdir(), "state-layout-"));
  chmodSync(base, 0o755);
  const root = join(base, "volume");
  mkdirSync(root);
  chownSync(root, 0, APP_UID);
  chmodSync(root, 0o2775);
  return root;
}

/**
 * The script where the app's user can read it, as in the pod's ConfigMap: a checkout may sit below
 * a folder only root can enter (a fresh clone in `mktemp -d`, 0700).
 */
let readableScript: string | undefined;
function scriptForApp(): string {
  if (readableScript === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "state-layout-script-"));
    chmodSync(dir, 0o755);
    readableScript = join(dir, STATE_LAYOUT_FILE);
    writeFileSync(readableScript, readFileSync(SCRIPT));
    chmodSync(readableScript, 0o644);
  }
  return readableScript;
}

/** `node state-layout.mjs` as the app's user, with the init container's env. */
function runLayout(root: string, uid = APP_UID): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [scriptForApp()], {
    uid,
    gid: APP_UID,
    env: { PATH: process.env.PATH, STATE_VOLUME_ROOT: root, STATE_FOLDER },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A file or folder made by the app's user, as OpenClaw would have made it. */
function appFile(path: string, content: string): void {
  writeFileSync(path, content);
  chownSync(path, APP_UID, APP_UID);
}
function appDir(path: string): void {
  mkdirSync(path);
  chownSync(path, APP_UID, APP_UID);
}

/** path -> content (or "dir", or "-> target"), every entry below `dir`, sorted. */
function tree(dir: string, prefix = ""): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      const rel = `${prefix}${name}`;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return [`${rel} -> link`];
      if (stat.isDirectory()) return [`${rel}/`, ...tree(path, `${rel}/`)];
      return [`${rel}: ${readFileSync(path, "utf8")}`];
    });
}

describe("instance: state-layout.mjs on a volume the kubelet prepared", function () {
  before(function () {
    if (process.getuid?.() !== 0) {
      throw new Error(
        "these tests make a volume root owned by root and run the script as uid 1000, as the kubelet and the pod do: run them as root (CI does)",
      );
    }
  });
  const made: string[] = [];
  const volume = () => {
    const root = kubeletVolume();
    made.push(join(root, ".."));
    return root;
  };
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
    if (readableScript !== undefined) rmSync(join(readableScript, ".."), { recursive: true, force: true });
  });

  it("the defect it prevents: the app's user cannot tighten the volume's root, and can tighten the folder it made", () => {
    const root = volume();
    const probe = `const fs = require("node:fs"); for (const d of process.argv.slice(1)) { const fd = fs.openSync(d, "r"); try { fs.fchmodSync(fd, 0o700); console.log(d, "ok"); } catch (e) { console.log(d, e.code); } }`;
    assert.equal(runLayout(root).status, 0);
    const result = spawnSync(process.execPath, ["-e", probe, root, join(root, STATE_FOLDER)], {
      uid: APP_UID,
      gid: APP_UID,
      encoding: "utf8",
    });
    assert.equal(result.stdout, `${root} EPERM\n${join(root, STATE_FOLDER)} ok\n`);
  });

  it("an empty volume: makes the folder, owned by the app's user, mode 0700, and a second run changes nothing", () => {
    const root = volume();
    const first = runLayout(root);
    assert.equal(first.status, 0, first.stderr);
    const stat = statSync(join(root, STATE_FOLDER));
    assert.equal(stat.uid, APP_UID);
    // The setgid bit comes from the volume's root (new files keep the fsGroup); OpenClaw checks the 0777 bits.
    assert.equal(stat.mode & 0o777, 0o700);
    const second = runLayout(root);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, "");
    assert.deepEqual(tree(root), [`${STATE_FOLDER}/`]);
  });

  it("a volume of the old layout: every entry moves into the folder, byte for byte, what restores kept aside too; lost+found and a runtime's empty mount point stay out", () => {
    const root = volume();
    appFile(join(root, "openclaw.json"), '{"gateway":{}}');
    appFile(join(root, ".env"), "A=1");
    appDir(join(root, "agents"));
    appDir(join(root, "agents", "main"));
    appFile(join(root, "agents", "main", "session.jsonl"), "hello");
    symlinkSync("agents/main", join(root, "current"));
    mkdirSync(join(root, "lost+found"), { mode: 0o700 });
    appDir(join(root, ".pre-restore-20260101T000000Z"));
    appFile(join(root, ".pre-restore-20260101T000000Z", "old.json"), "old");
    // The mount point the container runtime made for a workspace volume: root's, empty.
    mkdirSync(join(root, "workspace"), { mode: 0o755 });
    const before = tree(root).filter((e) => !e.startsWith("lost+found") && e !== "workspace/");
    const result = runLayout(root);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /moved 5 entries/);
    assert.deepEqual(readdirSync(root).sort(), ["lost+found", STATE_FOLDER]);
    assert.deepEqual(tree(join(root, STATE_FOLDER)), before);
    // Where the restore runbook has users remove it: ~/.openclaw/.pre-restore-<time>.
    assert.equal(readFileSync(join(root, STATE_FOLDER, ".pre-restore-20260101T000000Z", "old.json"), "utf8"), "old");
  });

  it("a move cut short finishes at the next start; a name in both places stops the pod, changing nothing", () => {
    const root = volume();
    appDir(join(root, STATE_FOLDER));
    chmodSync(join(root, STATE_FOLDER), 0o700);
    appFile(join(root, STATE_FOLDER, "openclaw.json"), "moved");
    appFile(join(root, "memory.db"), "left behind");
    const resumed = runLayout(root);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(tree(root), [`${STATE_FOLDER}/`, `${STATE_FOLDER}/memory.db: left behind`, `${STATE_FOLDER}/openclaw.json: moved`]);

    appFile(join(root, "openclaw.json"), "at the root");
    appFile(join(root, "zz.txt"), "after it");
    const conflict = runLayout(root);
    assert.equal(conflict.status, 1);
    assert.match(conflict.stderr, /both .*openclaw\.json and .*openclaw-state\/openclaw\.json exist.*Keep one/);
    assert.equal(readFileSync(join(root, "openclaw.json"), "utf8"), "at the root");
    assert.equal(readFileSync(join(root, STATE_FOLDER, "openclaw.json"), "utf8"), "moved");
  });

  it("refuses, with the fix, a folder of another user, a file in the folder's place, a root it cannot write, and a root-owned entry it cannot move", () => {
    const foreign = volume();
    mkdirSync(join(foreign, STATE_FOLDER), { mode: 0o775 });
    chownSync(join(foreign, STATE_FOLDER), 0, APP_UID);
    const a = runLayout(foreign);
    assert.equal(a.status, 1);
    assert.match(a.stderr, /belongs to uid 0, but the app runs as uid 1000.*chown -R 1000.*runAsUser to 0/);

    const file = volume();
    appFile(join(file, STATE_FOLDER), "x");
    const b = runLayout(file);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /exists and is not a folder/);

    const locked = volume();
    chownSync(locked, 0, 0);
    chmodSync(locked, 0o755);
    const c = runLayout(locked);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /cannot make .*writable by the pod's fsGroup/);
    assert.deepEqual(readdirSync(locked), []);

    const stuck = volume();
    mkdirSync(join(stuck, "cache"), { mode: 0o755 });
    writeFileSync(join(stuck, "cache", "x"), "root's");
    const d = runLayout(stuck);
    assert.equal(d.status, 1);
    assert.match(d.stderr, /cannot move .*cache into .*Move it by hand \(from a pod running as uid 0\)/);
    assert.equal(readFileSync(join(stuck, "cache", "x"), "utf8"), "root's");
  });

  it("a fsGroup-only user (another uid in the app's group) still cannot take the folder over", () => {
    const root = volume();
    assert.equal(runLayout(root).status, 0);
    const other = runLayout(root, 1001);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /belongs to uid 1000, but the app runs as uid 1001/);
    const fd = openSync(join(root, STATE_FOLDER), "r");
    try {
      fchmodSync(fd, 0o700);
    } finally {
      closeSync(fd);
    }
  });
});
