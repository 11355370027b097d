// Packs over a life of changes: packs hold members that are no longer current (changed, deleted,
// grown past the pack limit), and every restore must still give back exactly the source: no old
// version, no deleted file or folder brought back, modes as they were.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineEnv, eventOf, expectExit, readManifest, runEngine, uniqueStamp } from "../support/engine-runner";
import { engineSuite } from "../support/engine-suite";
import type { S3Server } from "../support/s3server";
import { diffTrees, readTree } from "../support/state-tree";

/** Small enough that a few dozen 1–3 KB files make several packs and a 5 KB file is stored alone. */
const PACK_ENV = { OCB_PACK_BELOW_BYTES: "4096", OCB_PACK_TARGET_BYTES: "8192" };

interface Pack {
  seq: string;
  name: string;
  memberBytes: number;
  /** Bytes of the files the manifest names as current in this pack. */
  liveBytes: number;
}

interface Manifest {
  header: string;
  packs: Map<string, Pack>;
  /** Path -> pack name, for packed files. */
  location: Map<string, string>;
  files: Map<string, number>;
}

function content(i: number, version = 0): string {
  return `file ${i} v${version}\n${"lorem ipsum ".repeat(90 + (i % 7) * 15)}\n`;
}

describe("backup engine: packs over a life of changes", function () {
  this.timeout(300_000);
  let s3: S3Server;
  let work: string;

  engineSuite("packs", (server, dir) => {
    s3 = server;
    work = dir;
  });

  async function manifestOf(snapshot: string): Promise<Manifest> {
    const lines = (await readManifest(s3, snapshot)).text.split("\n").filter(Boolean);
    const packs = new Map<string, Pack>();
    const location = new Map<string, string>();
    const files = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const f = line.split("\t");
      if (f[0] === "p") packs.set(f[3]!, { seq: f[2]!, name: f[3]!, memberBytes: Number(f[6]), liveBytes: 0 });
      else if (f[0] === "l") location.set(f.slice(2).join("\t"), f[1]!);
      else if (f[0] === "f") files.set(f.slice(4).join("\t"), Number(f[2]));
    }
    // "=<stamp>": stored alone in the pool (objects/<stamp>/<sha256>), not in a pack.
    for (const [path, pack] of location) if (!pack.startsWith("=")) packs.get(pack)!.liveBytes += files.get(path)!;
    return { header: lines[0]!, packs, location, files };
  }

  /** Backs up, then restores the new snapshot into a fresh folder and compares it with the source, whole. */
  async function backupAndRestore(env: Record<string, string>, source: string, step: string): Promise<Manifest> {
    const backup = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(backup, 0, `${step}: backup`);
    const snapshot = String(eventOf(backup, "backup.complete").snapshot);
    const target = join(work, "restored", step);
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: snapshot }),
      args: ["restore"],
    });
    expectExit(restore, 0, `${step}: restore`);
    assert.deepEqual(diffTrees(readTree(source), readTree(target)), [], `${step}: restored tree equals the source`);
    const verify = await runEngine({ env: engineEnv(s3, {}), args: ["verify", snapshot] });
    expectExit(verify, 0, `${step}: verify`);
    const manifest = await manifestOf(snapshot);
    for (const pack of manifest.packs.values()) {
      assert.ok(
        pack.liveBytes * 2 >= pack.memberBytes,
        `${step}: pack ${pack.name} is at least half current (${pack.liveBytes} of ${pack.memberBytes})`,
      );
    }
    return manifest;
  }

  it("restores exactly the source after changes, deletions, a file outgrowing packs and back, and a pack mostly superseded", async () => {
    const source = join(work, "life", "state");
    for (let i = 0; i < 24; i++) {
      mkdirSync(join(source, `d${i % 4}`), { recursive: true });
      writeFileSync(join(source, `d${i % 4}/f${i}.md`), content(i));
    }
    mkdirSync(join(source, "private/empty"), { recursive: true });
    chmodSync(join(source, "private"), 0o700);
    writeFileSync(join(source, "d0/run.sh"), "#!/bin/sh\necho hi\n");
    chmodSync(join(source, "d0/run.sh"), 0o755);
    writeFileSync(join(source, "d1/secret.json"), '{"token":"t"}\n');
    chmodSync(join(source, "d1/secret.json"), 0o600);
    writeFileSync(join(source, "big.bin"), "B".repeat(20_000));
    mkdirSync(join(source, "d0/sub/deeper"), { recursive: true });
    writeFileSync(join(source, "d0/sub/deeper/note.md"), "a note in a folder that will go\n");
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "packs",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${source}`,
      ...PACK_ENV,
    });

    const first = await backupAndRestore(env, source, "1-first");
    assert.equal(first.header, "#openclaw-backup-manifest v4");
    assert.ok(first.packs.size >= 4, `several packs: ${first.packs.size}`);
    assert.ok(first.location.get("state/big.bin")?.startsWith("="), "a file over the limit is stored alone");

    // A changed file: a new pack holds it; the old one is kept and still holds the old version.
    writeFileSync(join(source, "d2/f2.md"), content(2, 1));
    const changed = await backupAndRestore(env, source, "2-changed");
    const f2Pack = first.location.get("state/d2/f2.md")!;
    assert.ok(changed.packs.has(f2Pack), "the pack holding the old version is referenced again, not rewritten");
    assert.notEqual(changed.location.get("state/d2/f2.md"), f2Pack);
    assert.equal(changed.packs.size, first.packs.size + 1);

    // Deleted: a file, a folder with everything in it, and a small folder whose pack stays (so its
    // members are in a restored pack). None of them comes back.
    rmSync(join(source, "d1/f5.md"));
    rmSync(join(source, "d3"), { recursive: true });
    const subPack = changed.location.get("state/d0/sub/deeper/note.md")!;
    rmSync(join(source, "d0/sub"), { recursive: true });
    const deleted = await backupAndRestore(env, source, "3-deleted");
    assert.ok(deleted.packs.has(subPack), "the pack that held d0/sub is still restored from");

    // A file grows past the limit (stored alone), then shrinks back into a pack.
    writeFileSync(join(source, "d0/f4.md"), "G".repeat(5_000));
    const grown = await backupAndRestore(env, source, "4-grown");
    assert.ok(grown.location.get("state/d0/f4.md")?.startsWith("="), "grown past the limit: stored alone");
    writeFileSync(join(source, "d0/f4.md"), content(4, 2));
    const shrunk = await backupAndRestore(env, source, "5-shrunk");
    assert.ok(shrunk.packs.has(shrunk.location.get("state/d0/f4.md") ?? ""), "shrunk: in a pack again");

    // Most of one pack rewritten: it is no longer referenced, its current members are packed again.
    const victim = [...shrunk.packs.values()].sort((a, b) => b.memberBytes - a.memberBytes)[0]!;
    const members = [...shrunk.location].filter(([, pack]) => pack === victim.name).map(([path]) => path);
    const rewrite = members.slice(0, Math.ceil(members.length * 0.75));
    for (const path of rewrite) writeFileSync(join(source, path.slice("state/".length)), `rewritten ${path}\n`);
    const superseded = await backupAndRestore(env, source, "6-superseded");
    assert.equal(superseded.packs.has(victim.name), false, `pack ${victim.name} dropped once mostly superseded`);
    for (const path of members) assert.ok(superseded.packs.has(superseded.location.get(path) ?? ""), `${path} is in a pack still`);
  });

  it("a packed file whose name is not UTF-8 comes back under its own name, in its newest version", async () => {
    const source = join(work, "latin1", "state");
    mkdirSync(join(source, "notes"), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(source, `notes/f${i}.md`), content(i));
    // "café.md" in Latin-1: 0xE9 alone is not UTF-8.
    const name = Buffer.concat([Buffer.from(join(source, "notes/caf")), Buffer.from([0xe9]), Buffer.from(".md")]);
    writeFileSync(name, "v1\n");
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "latin1", OCB_KIND: "periodic", OCB_SOURCES: `state=${source}` });
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "first backup");
    writeFileSync(name, "v2, longer\n");
    const second = await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(second, 0, "second backup");
    assert.equal(Number(eventOf(second, "backup.complete").uploadedFiles), 1, "the old pack is kept, its member superseded");

    const target = join(work, "latin1", "restored");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${target}`, OCB_RESTORE_FROM: "acme/latin1/latest" }),
      args: ["restore"],
    });
    expectExit(restore, 0, "restore");
    const names = readdirSync(join(target, "notes"), { encoding: "buffer" }).filter((n) => n.includes(0xe9));
    assert.deepEqual(
      names.map((n) => n.toString("latin1")),
      ["café.md"],
    );
    assert.equal(
      readFileSync(Buffer.concat([Buffer.from(join(target, "notes/caf")), Buffer.from([0xe9]), Buffer.from(".md")]), "utf8"),
      "v2, longer\n",
    );
  });

  it("an empty source next to a packed one restores as an empty folder", async () => {
    const state = join(work, "empty-source", "state");
    const workspace = join(work, "empty-source", "workspace");
    mkdirSync(join(state, "notes"), { recursive: true });
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(state, "notes/a.md"), content(1));
    const env = engineEnv(s3, {
      OCB_TENANT: "acme",
      OCB_INSTANCE: "empty-source",
      OCB_KIND: "periodic",
      OCB_SOURCES: `state=${state} workspace=${workspace}`,
    });
    expectExit(await runEngine({ env: { ...env, OCB_NOW: uniqueStamp() }, args: ["backup"] }), 0, "backup");
    const dst = { state: join(work, "empty-source", "dst-state"), workspace: join(work, "empty-source", "dst-workspace") };
    mkdirSync(dst.workspace, { recursive: true });
    writeFileSync(join(dst.workspace, "old.md"), "set aside by the restore\n");
    const restore = await runEngine({
      env: engineEnv(s3, { OCB_SOURCES: `state=${dst.state} workspace=${dst.workspace}`, OCB_RESTORE_FROM: "acme/empty-source/latest" }),
      args: ["restore"],
    });
    expectExit(restore, 0, "restore");
    assert.deepEqual(diffTrees(readTree(state), readTree(dst.state)), []);
    assert.deepEqual(
      readdirSync(dst.workspace).filter((n) => !n.startsWith(".pre-restore-")),
      [],
      "the empty source restores empty",
    );
  });

  it("moves files stored alone into packs on the next backup; both restore; a full upload references nothing", async () => {
    const source = join(work, "migrate", "state");
    for (let i = 0; i < 12; i++) {
      mkdirSync(join(source, `d${i % 2}`), { recursive: true });
      writeFileSync(join(source, `d${i % 2}/f${i}.md`), content(i));
    }
    const env = engineEnv(s3, { OCB_TENANT: "acme", OCB_INSTANCE: "migrate", OCB_KIND: "periodic", OCB_SOURCES: `state=${source}` });
    const alone = await backupAndRestore({ ...env, OCB_PACK_BELOW_BYTES: "0" }, source, "m1-objects");
    assert.equal(alone.header, "#openclaw-backup-manifest v4");
    assert.equal(alone.packs.size, 0);
    assert.ok(
      [...alone.location.values()].every((l) => l.startsWith("=")),
      "every file stored alone",
    );
    const packed = await backupAndRestore(env, source, "m2-packs");
    assert.equal([...packed.location.values()].filter((l) => packed.packs.has(l)).length, 12, "every small file moved into a pack");

    // After a damaged object was found: one backup that copies nothing.
    const full = await runEngine({ env: { ...env, OCB_FULL_UPLOAD: "true", OCB_NOW: uniqueStamp() }, args: ["backup"] });
    expectExit(full, 0, "full upload");
    const ev = eventOf(full, "backup.complete");
    assert.equal(Number(ev.reusedFiles), 0, full.stderr);
    assert.equal(Number(ev.uploadedFiles), 12);
    assert.equal(ev.base, "");
  });
});
