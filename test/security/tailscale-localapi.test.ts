/**
 * Boundary 7, run for real: the real tailscaled, started as the UID the
 * rendered tailscale container runs as, and the real tailscale CLI run as the
 * app container's UID against its socket. The app's UID can ask `whois` (what
 * Tailscale SSO needs) and nothing that changes Tailscale: no serve or funnel
 * config, no set, down or logout. Controls show the daemon's own UID passes
 * the same permission checks.
 *
 * Needs root (to start the two processes as different UIDs; CI runs as root)
 * and the binaries from test/security/tailscale/build.sh (CI's .ci/run builds
 * them). Without either the test fails, saying so.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PINNED, renderInstance, at, type Obj } from "../instance/support";
import { ROOT } from "../support/stacks";

const BUILD = join(ROOT, "test", "security", "tailscale", "build.sh");

describe("boundary 7, for real: tailscaled gives the app's UID a read-only LocalAPI", function () {
  this.timeout(300_000);
  let bin: string;
  let dir: string;
  let socket: string;
  let daemon: ChildProcess | undefined;
  let appUid: number;
  let appGid: number;
  let daemonUid: number;
  let daemonLog = "";

  before(async function () {
    this.timeout(300_000);
    if (process.getuid?.() !== 0)
      throw new Error("this test starts tailscaled and the CLI as two different UIDs, which needs root: run it as root (CI does)");
    const check = spawnSync("bash", [BUILD], { encoding: "utf8", env: { ...process.env, GO_TOOLS_CHECK_ONLY: "1" } });
    if (check.status !== 0)
      throw new Error(
        `tailscale and tailscaled are not built: run scripts/setup.sh (or ${BUILD}; Go 1.26 and the Go module proxy, a few minutes once)\n${check.stderr}`,
      );
    const built = check.stdout.trim().split("\n").at(-1) ?? "";

    // The UIDs as rendered: the app's pod identity, and the tailscale container's own.
    const r = await renderInstance({ tailscale: { enabled: true, image: PINNED, authKeySecretRef: { name: "ts" }, authSSO: true } });
    appUid = Number(at(r.pod, "securityContext.runAsUser"));
    appGid = Number(at(r.pod, "securityContext.runAsGroup"));
    const tailscale: Obj = r.container("tailscale");
    daemonUid = Number(at(tailscale, "securityContext.runAsUser"));
    assert.notEqual(appUid, daemonUid);

    dir = mkdtempSync(join(tmpdir(), "ocb-tailscale-"));
    chmodSync(dir, 0o755);
    for (const sub of ["state", "run"]) {
      mkdirSync(join(dir, sub));
      chmodSync(join(dir, sub), 0o777); // like the pod's emptyDirs
    }
    socket = join(dir, "run", "tailscaled.sock");
    // The build cache is under root's home, which the two unprivileged UIDs cannot enter.
    bin = join(dir, "bin");
    mkdirSync(bin);
    for (const tool of ["tailscale", "tailscaled"]) {
      copyFileSync(join(built, tool), join(bin, tool));
      chmodSync(join(bin, tool), 0o755);
    }
    daemon = spawn(
      join(bin, "tailscaled"),
      ["--tun=userspace-networking", `--statedir=${join(dir, "state")}`, `--socket=${socket}`, "--port=0", "--no-logs-no-support"],
      {
        uid: daemonUid,
        gid: appGid,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "", HOME: join(dir, "state") },
      },
    );
    daemon.on("error", (err) => (daemonLog += `spawn failed: ${err.message}\n`));
    daemon.stdout?.on("data", (d: Buffer) => (daemonLog += d.toString()));
    daemon.stderr?.on("data", (d: Buffer) => (daemonLog += d.toString()));
    const deadline = Date.now() + 30_000;
    // Up once its LocalAPI answers: `status --json` names a backend state.
    while (!(existsSync(socket) && /"BackendState"/.test(cli(daemonUid, "status", "--json").stdout))) {
      if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`tailscaled did not come up:\n${daemonLog.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  after(() => {
    if (daemon?.pid !== undefined && daemon.exitCode === null) process.kill(-daemon.pid, "SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function cli(uid: number, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(join(bin, "tailscale"), [`--socket=${socket}`, ...args], {
      uid,
      gid: appGid,
      encoding: "utf8",
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? "", HOME: dir },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it("the app's UID can ask whois, as Tailscale SSO does", () => {
    // Not logged in, the daemon knows no peer: past the permission check the answer is "not found".
    const whois = cli(appUid, "whois", "100.64.0.1");
    const output = whois.stdout + whois.stderr;
    assert.doesNotMatch(output, /access denied|permission denied|Forbidden/i, output);
    assert.match(output, /peer not found/, output);
  });

  // What `tailscale serve` and `funnel` send: a serve config that publishes Chromium's CDP port to the internet.
  const FUNNEL_CDP = JSON.stringify({
    TCP: { "443": { HTTPS: true } },
    Web: { "bot.example.ts.net:443": { Handlers: { "/": { Proxy: "http://127.0.0.1:3000" } } } },
    AllowFunnel: { "bot.example.ts.net:443": true },
  });

  it("the app's UID cannot set a serve or funnel config (refused at the permission check)", () => {
    const run = cli(appUid, "debug", "localapi", "--v", "POST", "/localapi/v0/serve-config", FUNNEL_CDP);
    assert.notEqual(run.status, 0);
    assert.match(run.stdout + run.stderr, /403 Forbidden/);
  });

  it("control: tailscaled's own UID gets past the permission check with the same config (refused only for want of a login)", () => {
    const run = cli(daemonUid, "debug", "localapi", "--v", "POST", "/localapi/v0/serve-config", FUNNEL_CDP);
    const output = run.stdout + run.stderr;
    assert.doesNotMatch(output, /403/, output);
    assert.match(output, /netMap is nil|500 Internal Server Error/, output);
  });

  for (const args of [["set", "--hostname=exposed"], ["down"], ["logout"]]) {
    it(`the app's UID cannot run "tailscale ${args.join(" ")}"`, () => {
      const run = cli(appUid, ...args);
      assert.notEqual(run.status, 0, `${args.join(" ")} succeeded as the app's UID:\n${run.stdout}${run.stderr}`);
      assert.match(run.stdout + run.stderr, /access denied|permission denied|Forbidden|403/i);
    });
  }

  it("control: tailscaled's own UID can change its settings", () => {
    const run = cli(daemonUid, "set", "--hostname=allowed");
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});
