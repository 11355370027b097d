// The engine's exit path: whatever state a run dies in, it exits with the code die() gave, stops the
// transfer it had in flight and removes its scratch. The engine runs under `set -eu`, so any step of
// the EXIT trap that fails (waiting for a transfer it just stopped returns 143) would otherwise end
// the shell right there with that step's status: seen in CI as exit 143 where die said 3.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_EXIT_CODES } from "../../components/builders/backup/engine";
import { busyboxPath, run } from "../support/engine-runner";

/** A shell script that loads lib.sh as the entrypoint does, starts `background`, then dies. */
function harness(dir: string, background: string): string {
  const script = join(dir, "harness.sh");
  writeFileSync(
    script,
    [
      "set -eu",
      `. '${join(ENGINE_DIR, "lib.sh")}'`,
      "OCB_CMD=harness",
      "trap cleanup EXIT",
      "trap 'exit 143' TERM",
      `SCRATCH='${join(dir, "scratch")}'`,
      'mkdir -p "$SCRATCH"',
      'add_cleanup "$SCRATCH"',
      `${background} &`,
      "BACKGROUND_PID=$!",
      `echo "$BACKGROUND_PID" >'${join(dir, "bg.pid")}'`,
      // Give a fast background step the time to end first: both orders must come out the same.
      "sleep 0.2",
      `die "$E_STORE" "the store went away"`,
      "",
    ].join("\n"),
  );
  return script;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("backup engine: the exit path", function () {
  this.timeout(300_000);

  const shells: Array<{ name: string; command: () => Promise<string> }> = [
    { name: "busybox sh (the rclone image)", command: async () => join(await busyboxPath(), "sh") },
    { name: "dash (Debian's /bin/sh)", command: async () => "dash" },
  ];
  const backgrounds: Array<{ what: string; command: string }> = [
    { what: "a transfer still running", command: "sleep 30" },
    { what: "a transfer that already failed", command: "false" },
    { what: "a transfer that already succeeded", command: "true" },
  ];

  for (const shell of shells) {
    for (const background of backgrounds) {
      it(`${shell.name}: dying with ${background.what} exits with die's code, stops the transfer and removes the scratch`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "ocb-exit-"));
        const sh = await shell.command();
        const result = await run(sh, [harness(dir, background.command)], { PATH: process.env.PATH ?? "" }, { timeoutMs: 20_000 });
        assert.equal(result.timedOut, false, "the exit path must not wait for the transfer to finish by itself");
        assert.equal(result.code, ENGINE_EXIT_CODES.store, `exit code\n${result.stderr}`);
        assert.match(result.stderr, /ERROR: the store went away/);
        assert.equal(existsSync(join(dir, "scratch")), false, "the scratch folder is removed");
        const pid = Number(readFileSync(join(dir, "bg.pid"), "utf8"));
        assert.equal(alive(pid), false, `the background step (pid ${pid}) is stopped`);
      });
    }
  }
});
