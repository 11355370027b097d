// Any name the agent can create, any kind of entry: backed up and restored byte for byte, or left
// out with a warning naming it. Never a failed backup, never a snapshot verify calls good that
// restore cannot write.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_EXIT_CODES } from "../../components/backup/engine";
import { engineEnv, eventOf, expectExit, rclone, runEngine, uniqueStamp } from "../support/engine-runner";
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
        const backup = await runEngine({ env: engineEnv(s3, { ...base, OCB_KIND: "manual", OCB_NOW: uniqueStamp() }), args: ["backup"], busybox: variant.busybox, timeoutMs: 300_000 });
        expectExit(backup, 0, "backup of the torture tree");
        for (const socket of tree.sockets) {
          assert.ok(backup.stderr.includes(`not backed up: socket (only its listening process can recreate it) state/${shown(socket)}`), `warning names ${shown(socket)}:\n${backup.stderr}`);
        }
        // Periodic, trusting metadata: nothing changed, so nothing is uploaded again.
        const again = await runEngine({ env: engineEnv(s3, { ...base, OCB_KIND: "periodic", OCB_NOW: uniqueStamp() }), args: ["backup"], busybox: variant.busybox, timeoutMs: 300_000 });
        expectExit(again, 0, "second backup");
        assert.equal(Number(eventOf(again, "backup.complete").uploadedFiles), 0, `a second backup of an unchanged tree uploads nothing:\n${again.stderr}`);
        expected = readExactTree(src, isSocket(tree.sockets));
      } finally {
        await tree.close();
      }

      const verify = await runEngine({ env: engineEnv(s3, { ...base }), args: ["verify", `acme/${instance}/latest`], busybox: variant.busybox, timeoutMs: 300_000 });
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
    const restore = await runEngine({ env: { ...env, OCB_SOURCES: `state=${dst}`, OCB_RESTORE_FROM: snap, OCB_NOW: uniqueStamp() }, args: ["restore"] });
    assert.notEqual(restore.code, 0, `restore refuses it:\n${restore.stderr}`);
    assert.deepEqual(readdirSync(dst), ["current.txt"], "the target is untouched");
  });
});
