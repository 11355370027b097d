// The TypeScript view of the engine (index.ts) must match what the scripts actually read.
import assert from "node:assert/strict";
import {
  DEFAULT_EXCLUDES,
  ENGINE_ENTRYPOINT,
  ENGINE_ENV,
  SNAPSHOT_KINDS,
  SQLITE_SNAPSHOT_SCRIPT,
  engineScripts,
  formatSources,
} from "../../components/builders/backup/engine";

describe("backup engine: TypeScript contract", () => {
  const scripts = engineScripts();
  const shell = Object.entries(scripts)
    .filter(([name]) => name.endsWith(".sh"))
    .map(([, text]) => text)
    .join("\n");

  it("ships the entrypoint, its sourced helpers and the SQLite init script, sorted by name", () => {
    const names = Object.keys(scripts);
    assert.deepEqual(names, [...names].sort());
    for (const name of [ENGINE_ENTRYPOINT, "lib.sh", "backup.sh", "restore.sh", "prune.sh", SQLITE_SNAPSHOT_SCRIPT]) {
      assert.ok(names.includes(name), `${name} is in the ConfigMap data`);
    }
    for (const sourced of scripts[ENGINE_ENTRYPOINT]!.matchAll(/^\. "\$ENGINE_DIR\/([^"]+)"$/gm)) {
      assert.ok(names.includes(sourced[1]!), `${sourced[1]} sourced by the entrypoint is shipped`);
    }
  });

  it("ENGINE_ENV lists exactly the OCB_* variables the scripts read", () => {
    const inScripts = new Set([...shell.matchAll(/\bOCB_[A-Z0-9_]+\b/g)].map((m) => m[0]).filter((n) => n !== "OCB_CMD"));
    const declared = new Set(Object.values(ENGINE_ENV).filter((n) => n.startsWith("OCB_")));
    assert.deepEqual([...inScripts].sort(), [...declared].sort());
  });

  it("the default excludes and kinds match lib.sh", () => {
    const block = /DEFAULT_EXCLUDES='([^']*)'/.exec(scripts["lib.sh"]!)?.[1];
    assert.deepEqual(block?.split("\n"), [...DEFAULT_EXCLUDES]);
    assert.match(scripts["lib.sh"]!, new RegExp(`KINDS="${SNAPSHOT_KINDS.join(" ")}"`));
  });

  it("formatSources builds OCB_SOURCES and rejects values the shell would split", () => {
    assert.equal(formatSources({ state: "/data/state", workspace: "/data/workspace" }), "state=/data/state workspace=/data/workspace");
    assert.throws(() => formatSources({ state: "/data/my state" }), /without spaces/);
    assert.throws(() => formatSources({ State: "/data/state" }), /invalid source name/);
  });
});
