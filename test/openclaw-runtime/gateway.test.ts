// The pod's own processes, for real, with the pinned OpenClaw (no container runtime): the rendered
// init container (bootstrap.mjs) prepares the state volume, the gateway starts on it with the
// rendered env and the token from the rendered Secret, the postStart hook runs, the probes' port
// answers, a client with the token is let in and one without it (or with another) is refused.
// The instance is the all-options one (Chromium, Tailscale SSO, OTLP metrics, JSON logs in
// openclaw.json) with a seeded workspace. See test/support/openclaw-pod.ts for what is translated
// for a host (mount paths, Node 24, 127.0.0.1 and a free port) and nothing more.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";
import { STATE_FOLDER } from "../../components/config/ports";
import { ALL_OPTIONS_INSTANCE } from "../support/all-options";
import {
  appStateDir,
  hostVolumes,
  podRoot,
  prepareState,
  requirePodMounts,
  httpGet,
  renderPod,
  runPostStart,
  startGateway,
  tcpProbe,
  type Gateway,
  type RenderedPod,
} from "../support/openclaw-pod";

const INSTANCE = {
  ...ALL_OPTIONS_INSTANCE,
  workspace: { initialFiles: { "AGENTS.md": "# Fleet agent\nBe brief.\n" }, initialDirectories: ["memory"] },
};

describe(`the instance's pod, run with OpenClaw ${OPENCLAW_VERSION} on this host`, function () {
  this.timeout(300_000);
  let root: string;
  let rendered: RenderedPod;
  let volumes: Map<string, string>;
  let gateway: Gateway | undefined;

  before(async () => {
    await requirePodMounts();
    root = podRoot("openclaw-pod-");
    rendered = await renderPod(INSTANCE);
    volumes = hostVolumes(rendered, root);
  });
  after(async () => {
    await gateway?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("init-state makes the state folder, and init-config (bootstrap.mjs) writes the rendered openclaw.json into it and seeds the workspace", async () => {
    const [layout] = await prepareState(rendered, volumes);
    assert.match(layout?.stdout ?? "", /made .*openclaw-state/);
    const state = appStateDir(rendered, volumes);
    assert.equal(state, join(volumes.get("state") ?? "", STATE_FOLDER));
    const written = join(state, "openclaw.json");
    assert.deepEqual(
      JSON.parse(readFileSync(written, "utf8")),
      JSON.parse(readFileSync(join(volumes.get("config") ?? "", "openclaw.json"), "utf8")),
    );
    assert.equal(statSync(written).mode & 0o777, 0o600, "openclaw.json is readable by its owner only");
    assert.equal(readFileSync(join(state, "workspace", "AGENTS.md"), "utf8"), "# Fleet agent\nBe brief.\n");
    assert.ok(existsSync(join(state, "workspace", "memory")));
  });

  it("the gateway starts on it with the rendered env and token, the postStart hook runs, and the probes' port answers", async () => {
    const app = rendered.container("openclaw") as {
      startupProbe?: { tcpSocket?: { port: string } };
      ports?: { name: string; containerPort: number }[];
    };
    assert.deepEqual(app.startupProbe?.tcpSocket, { port: "gateway" }, "the probes open a TCP connection to the gateway port");
    gateway = await startGateway(rendered, volumes);
    const hook = await runPostStart(rendered, volumes);
    assert.equal(hook.code, 0, hook.stderr);
    assert.equal(await tcpProbe(gateway.port), true, "the gateway port accepts a TCP connection (tcpSocket probe)");
    const live = await httpGet(gateway.port, "/healthz");
    assert.deepEqual({ status: live.status, body: JSON.parse(live.body) as unknown }, { status: 200, body: { ok: true, status: "live" } });
    assert.doesNotMatch(gateway.log(), /Invalid config|config is invalid/i);
    process.stderr.write(
      `      gateway ready in ${gateway.readySeconds.toFixed(1)} s on 127.0.0.1:${gateway.port}; /healthz: ${live.body}\n`,
    );
  });

  it("lets a client with the token in, and refuses one without a token or with another", async () => {
    assert.ok(gateway, "the gateway runs");
    const token = gateway.env.OPENCLAW_GATEWAY_TOKEN;
    assert.ok(token !== undefined && token.length > 0, "the token comes from the rendered Secret");
    const { OPENCLAW_GATEWAY_TOKEN: _token, ...withoutToken } = gateway.env;
    const url = `ws://127.0.0.1:${gateway.port}`;
    const [ok, missing, wrong] = await Promise.all([
      gateway.cli(["gateway", "health", "--json", "--url", url, "--token", token], withoutToken),
      gateway.cli(["gateway", "health", "--json"], withoutToken),
      gateway.cli(["gateway", "health", "--json"], { ...withoutToken, OPENCLAW_GATEWAY_TOKEN: `${token}-not` }),
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { ok: boolean }).ok, true);
    for (const [result, code] of [
      [missing, "AUTH_TOKEN_MISSING"],
      [wrong, "AUTH_TOKEN_MISMATCH"],
    ] as const) {
      assert.notEqual(result.code, 0);
      const error = (JSON.parse(result.stdout) as { error: { details?: { code?: string } } }).error;
      assert.equal(error.details?.code, code, result.stdout);
    }
    process.stderr.write(
      `      with the token: ok; without: ${missing.stdout.match(/"message": "([^"]*)"/)?.[1]}; another: ${wrong.stdout.match(/"message": "([^"]*)"/)?.[1]}\n`,
    );
  });
});
