// Lays out an instance's state volume before anything else in the pod touches it. Runs in the
// `init-state` init container, as the app's user, with the volume's root mounted at
// STATE_VOLUME_ROOT (no subPath).
//
// OpenClaw's state directory is the folder STATE_FOLDER of the volume, not its root: a volume's
// root belongs to root on most storage (the kubelet's fsGroup only gives the group write access),
// and OpenClaw tightens its state directory to 0700 with fchmod, which only the owner may do.
// The folder is made here, by the app's user, so the app owns it; every container then mounts it
// with `subPath`. A volume written before this layout holds the state at its root: its entries
// are moved into the folder, one rename each (same filesystem, nothing copied), so a pod killed
// half-way finishes the move at its next start. Nothing is overwritten: a name present in both
// places stops the pod with the fix.
//
// Every input comes from the environment; nothing here is templated.
import fs from "node:fs";
import path from "node:path";

const env = process.env;

function fail(message) {
  process.stderr.write(`state-layout: ${message}\n`);
  process.exit(1);
}

const root = env.STATE_VOLUME_ROOT;
const folderName = env.STATE_FOLDER;
if (!root || !path.isAbsolute(root)) fail("STATE_VOLUME_ROOT must be an absolute path");
if (!folderName || folderName.includes("/") || folderName === "." || folderName === "..") fail("STATE_FOLDER must be one folder name");
const folder = path.join(root, folderName);

/**
 * Entries of the root that belong to the volume or to a restore under way, not to OpenClaw's
 * state. What earlier restores kept aside (`.pre-restore-*`) moves with the state: the app shows
 * it at ~/.openclaw/.pre-restore-<time>, where the restore runbook has users remove it.
 */
function staysAtRoot(name) {
  return name === folderName || name === "lost+found" || name.startsWith(".ocb-restore-");
}

function lstatOrUndefined(file) {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if (err.code === "ENOENT") return undefined;
    throw err;
  }
}

/** Makes the folder durable in its parent before anything is moved into it. */
function syncDir(dir) {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const uid = process.getuid();
const existing = lstatOrUndefined(folder);
if (existing === undefined) {
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (err) {
    fail(
      `cannot make ${folder}: ${err.message}. The volume's root must be writable by the pod's fsGroup; ` +
        "storage that ignores fsGroup (hostPath, some NFS) needs its root given to the app's user or group",
    );
  }
  syncDir(root);
  process.stdout.write(`state-layout: made ${folder} (uid ${uid})\n`);
} else if (!existing.isDirectory()) {
  fail(`${folder} exists and is not a folder; move it away (kubectl debug, or a pod mounting the volume), then restart the pod`);
} else if (existing.uid !== uid) {
  fail(
    `${folder} belongs to uid ${existing.uid}, but the app runs as uid ${uid}; OpenClaw must own its state folder. ` +
      `Give it to ${uid} (chown -R ${uid} from a pod running as root), or set podSecurityContext.runAsUser to ${existing.uid}`,
  );
}

let moved = 0;
for (const name of fs.readdirSync(root).sort()) {
  if (staysAtRoot(name)) continue;
  const from = path.join(root, name);
  const to = path.join(folder, name);
  if (lstatOrUndefined(to) !== undefined) {
    fail(`both ${from} and ${to} exist: the volume holds state at its root (the layout before the state folder) and in the folder. Keep one: move or delete the other, then restart the pod`);
  }
  try {
    fs.renameSync(from, to);
    moved += 1;
  } catch (err) {
    const stat = fs.lstatSync(from);
    // A folder of the container runtime's making (the mount point of a workspace volume), owned by
    // root: it cannot be moved by another user, and holds nothing when no volume is mounted on it.
    if ((err.code === "EACCES" || err.code === "EPERM") && stat.isDirectory() && fs.readdirSync(from).length === 0) {
      fs.rmdirSync(from);
      continue;
    }
    fail(`cannot move ${from} into ${folder}: ${err.message}. Move it by hand (from a pod running as uid ${stat.uid}), then restart the pod`);
  }
}
if (moved > 0) {
  syncDir(folder);
  syncDir(root);
  process.stdout.write(`state-layout: moved ${moved} entr${moved === 1 ? "y" : "ies"} from the volume root into ${folder}\n`);
}
