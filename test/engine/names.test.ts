// Any name the agent can create, any kind of entry: backed up and restored byte for byte, or left
// out with a warning naming it. Never a failed backup, never a snapshot verify calls good that
// restore cannot write.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_ENTRYPOINT, ENGINE_EXIT_CODES } from "../../components/builders/backup/engine";
import { busyboxPath, engineEnv, eventOf, expectExit, rclone, run, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffExactTrees, makeTortureTree, readExactTree, shown, type ExactTree } from "../support/torture-tree";

describe("backup engine: every file name and entry type", function () {
  this.timeout(600_000);
  let s3: S3Server;
  let work: string;

  engineSuite("names", (server, dir) => {
    s3 = server;
    work = dir;
  });

  const isSocket = (sockets: Buffer[]) => (rel: Buffer) => sockets.some((s) => s.equals(rel));

  // The first runs under busybox as the pods do, the second under the host's sh (dash).
  const variants: { name: string; env: Record<string, string>; busybox: boolean }[] = [
    { name: "plain, packed", env: {}, busybox: true },
    { name: "encrypted, one object per file", env: { OCB_CRYPT_PASSWORD: "torture-pass", OCB_PACK_BELOW_BYTES: "0" }, busybox: false },
  ];
  for (const variant of variants) {
    it(`${variant.name}: the torture tree restores byte for byte, sockets are named in a warning, and a second backup changes nothing`, async () => {
      const slug = variant.name.replace(/[^a-z]+/g, "-");
      const src = join(work, `${slug}-src`);
      mkdirSync(src, { recursive: true });
      const tree = await makeTortureTree(src);
      const instance = `t-${slug}`.slice(0, 30).replace(/-$/, "");
      const base = { OCB_TENANT: "acme", OCB_INSTANCE: instance, OCB_SOURCES: `state=${src}`, OCB_EXCLUDES: "", ...variant.env };
      let expected: ExactTree;
      try {
        const backup = await runEngine({
          env: engineEnv(s3, { ...base, OCB_KIND: "manual", OCB_NOW: uniqueStamp() }),
          args: ["backup"],
          busybox: variant.busybox,
          timeoutMs: 300_000,
        });
        expectExit(backup, 0, "backup of the torture tree");
        for (const socket of tree.sockets) {
          assert.ok(
            backup.stderr.includes(`not backed up: socket (only its listening process can recreate it) state/${shown(socket)}`),
            `warning names ${shown(socket)}:\n${backup.stderr}`,
          );
        }
        // Periodic, trusting metadata: nothing changed, so nothing is uploaded again.
        const again = await runEngine({
          env: engineEnv(s3, { ...base, OCB_KIND: "periodic", OCB_NOW: uniqueStamp() }),
          args: ["backup"],
          busybox: variant.busybox,
          timeoutMs: 300_000,
        });
        expectExit(again, 0, "second backup");
        assert.equal(
          Number(eventOf(again, "backup.complete").uploadedFiles),
          0,
          `a second backup of an unchanged tree uploads nothing:\n${again.stderr}`,
        );
        expected = readExactTree(src, isSocket(tree.sockets));
      } finally {
        await tree.close();
      }

      const verify = await runEngine({
        env: engineEnv(s3, { ...base }),
        args: ["verify", `acme/${instance}/latest`],
        busybox: variant.busybox,
        timeoutMs: 300_000,
      });
      expectExit(verify, 0, "verify");

      const dst = join(work, `${slug}-dst`);
      const restore = await runEngine({
        env: engineEnv(s3, { ...base, OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: `acme/${instance}/latest`, OCB_NOW: uniqueStamp() }),
        args: ["restore"],
        busybox: variant.busybox,
        timeoutMs: 300_000,
      });
      expectExit(restore, 0, "restore");
      const got = readExactTree(dst);
      assert.deepEqual(diffExactTrees(expected, got), [], "the restored tree equals the source, name by name and byte by byte");
      assert.ok(expected.size > 120, `the tree is the torture tree (${expected.size} entries)`);
    });
  }

  it("as uid 1000, like the pods: files and folders it cannot read are named in a warning and left out; the backup succeeds and restores the rest", async () => {
    const root = join(work, "uid1000");
    const src = join(root, "state");
    mkdirSync(join(src, "locked-dir"), { recursive: true });
    mkdirSync(join(src, "open"), { recursive: true });
    writeFileSync(join(src, "open/ok.md"), "readable\n");
    writeFileSync(join(src, "secret.bin"), "mode 000\n");
    writeFileSync(join(src, "locked-dir/inside.md"), "behind a 000 folder\n");
    await run("chown", ["-R", "1000:1000", root], { PATH: process.env.PATH ?? "" });
    chmodSync(work, 0o755);
    chmodSync(join(src, "secret.bin"), 0o000);
    chmodSync(join(src, "locked-dir"), 0o000);
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "uid1000",
      OCB_KIND: "manual",
      OCB_SOURCES: `state=${src}`,
      OCB_NOW: uniqueStamp(),
    });
    // uid 1000 reaches neither root's tool cache, nor the test's private temp folders, nor a
    // checkout in one (CI clones into a mktemp -d folder, mode 0700): the busybox applets, a copy
    // of the same rclone and of the engine go where it can, as the pod mounts its ConfigMap.
    const bin = await busyboxPath();
    chmodSync(bin, 0o755);
    const podBin = mkdtempSync(join(tmpdir(), "ocb-podbin-"));
    chmodSync(podBin, 0o755);
    const rcloneAt = (await run("sh", ["-c", "command -v rclone"], { PATH: process.env.PATH ?? "" })).stdout.trim();
    copyFileSync(rcloneAt, join(podBin, "rclone"));
    chmodSync(join(podBin, "rclone"), 0o755);
    const podEngine = join(podBin, "engine");
    cpSync(ENGINE_DIR, podEngine, { recursive: true });
    const podPath = `${bin}:${podBin}:/usr/bin:/bin`;
    const asPod = [
      "/usr/bin/setpriv",
      "--reuid",
      "1000",
      "--regid",
      "1000",
      "--clear-groups",
      join(bin, "sh"),
      join(podEngine, ENGINE_ENTRYPOINT),
    ];
    try {
      const backup = await runEngine({ env: { ...env, PATH: podPath }, args: ["backup"], command: asPod });
      expectExit(backup, 0, "backup as uid 1000");
      assert.match(backup.stderr, /not backed up: file the backup cannot read \(no read permission\) state\/secret\.bin/);
      assert.match(backup.stderr, /not backed up: a folder of source 'state' the backup cannot read .*locked-dir/);
      const dst = join(root, "restored");
      expectExit(
        await runEngine({
          env: engineEnv(s3, { OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: "acme/uid1000/latest" }),
          args: ["restore"],
        }),
        0,
        "restore",
      );
      assert.equal(readFileSync(join(dst, "open/ok.md"), "utf8"), "readable\n");
      assert.ok(!existsSync(join(dst, "secret.bin")) && !existsSync(join(dst, "locked-dir/inside.md")));
      // An unreadable source itself fails the run: an empty snapshot would look like a good one.
      chmodSync(src, 0o000);
      const refused = await runEngine({ env: { ...env, PATH: podPath, OCB_NOW: uniqueStamp() }, args: ["backup"], command: asPod });
      assert.equal(refused.code, ENGINE_EXIT_CODES.usage, refused.stderr);
      assert.match(refused.stderr, /is not readable by uid 1000/);
    } finally {
      chmodSync(src, 0o755);
      chmodSync(join(src, "locked-dir"), 0o755);
      rmSync(podBin, { recursive: true, force: true });
    }
  });

  it("verify fails (exit 5) on a snapshot whose manifest names a file by another spelling than the stored one, as the old engine recorded a tab", async () => {
    // A format-v1 snapshot exactly as the old engine wrote one for a file named "note<TAB>.txt":
    // the object under the real name, the manifest with rclone's display of it (U+2409).
    const stamp = uniqueStamp();
    const snap = `backups/acme/spelling/manual/${stamp}`;
    const tmp = join(work, "spelling");
    mkdirSync(tmp, { recursive: true });
    const content = "hello\n";
    writeFileSync(join(tmp, "note\t.txt"), content);
    const sha = (text: string): string => createHash("sha256").update(text).digest("hex");
    const manifest = `#openclaw-backup-manifest v1\ns\tstate\nf\t${sha(content)}\t${content.length}\t600\tstate/note\u2409.txt\n`;
    writeFileSync(join(tmp, "manifest.tsv"), manifest);
    writeFileSync(
      join(tmp, "snapshot.json"),
      `${JSON.stringify({ format: "openclaw-backup/v1", tenant: "acme", instance: "spelling", kind: "manual", time: stamp, files: 1, dirs: 0, bytes: content.length, encrypted: false, manifestSha256: sha(manifest) })}\n`,
    );
    for (const [local, key] of [
      ["note\t.txt", "data/state/note\t.txt"],
      ["manifest.tsv", "manifest.tsv"],
      ["snapshot.json", "snapshot.json"],
    ] as const) {
      const put = await rclone(s3, ["copyto", join(tmp, local), `store:${s3.bucket}/${snap}/${key}`]);
      assert.equal(put.code, 0, put.stderr);
    }
    const env = engineEnv(s3, {});
    const verify = await runEngine({ env, args: ["verify", snap] });
    assert.equal(verify.code, ENGINE_EXIT_CODES.verification, `verify must not call this snapshot good:\n${verify.stderr}`);
    assert.match(verify.stderr, /cannot be restored as recorded|not restored as a file|cannot set mode/);
    const dst = join(work, "spelling/dst");
    mkdirSync(dst, { recursive: true });
    writeFileSync(join(dst, "current.txt"), "current\n");
    const restore = await runEngine({
      env: { ...env, OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: snap, OCB_NOW: uniqueStamp() },
      args: ["restore"],
    });
    assert.notEqual(restore.code, 0, `restore refuses it:\n${restore.stderr}`);
    assert.deepEqual(readdirSync(dst), ["current.txt"], "the target is untouched");
  });
});
