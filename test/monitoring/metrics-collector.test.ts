// The metrics-collector sidecar runs the config the program generates, in a real OpenTelemetry
// Collector: the otlp receiver and prometheus exporter of opentelemetry-collector-contrib, built
// from Go modules by test/tools/build.sh (test/tools/otelcol pins the versions). An OTLP metric
// posted where openclaw.json tells the gateway to send it comes out on the Prometheus endpoint the
// ServiceMonitor scrapes. Pod addresses are mapped to free ports on 127.0.0.1, as the gateway
// tests bind loopback.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OTEL_COLLECTOR_FILE } from "../../components/builders/instance/config-map";
import { CONFIG_FILE, OTLP_HTTP_PORT } from "../../components/config/ports";
import { freePort } from "../support/ports";
import { kubernetesObjects, minimalStack, ROOT, runProgram } from "../support/stacks";

const TOOL_DIR = join(ROOT, "test", "tools", "otelcol");
const METRICS_PORT = 9464;

function collectorBinary(): string {
  try {
    return execFileSync("bash", [join(ROOT, "test", "tools", "build.sh"), "otelcol"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 900_000,
    }).trim();
  } catch (err) {
    throw new Error(
      `cannot build the OpenTelemetry Collector (needs Go 1.26 and the Go module proxy once; see test/tools/build.sh): ${(err as Error).message}`,
    );
  }
}

/** The contrib release test/tools/otelcol is built from: the collector image tag the test renders. */
function contribVersion(): string {
  const version = /prometheusexporter v(\d+\.\d+\.\d+)/.exec(readFileSync(join(TOOL_DIR, "go.mod"), "utf8"))?.[1];
  assert.ok(version, "test/tools/otelcol/go.mod requires no prometheusexporter version");
  return version;
}

interface Rendered {
  config: string;
  /** Where openclaw.json tells the gateway to send its metrics. */
  gatewayEndpoint: string;
  args: string[];
  configMountPath: string;
}

async function renderCollector(): Promise<Rendered> {
  const objects = kubernetesObjects(
    await runProgram(
      minimalStack({ observability: { metrics: { enabled: true, port: METRICS_PORT, collectorImage: { tag: contribVersion() } } } }),
    ),
  );
  const configMap = objects.find(
    (o) => o.kind === "ConfigMap" && typeof (o as { data?: Record<string, string> }).data?.[OTEL_COLLECTOR_FILE] === "string",
  ) as { data: Record<string, string> } | undefined;
  assert.ok(configMap, `no ConfigMap holds ${OTEL_COLLECTOR_FILE}`);
  const statefulSet = objects.find((o) => o.kind === "StatefulSet") as
    | {
        spec: {
          template: {
            spec: {
              containers: Array<{
                name: string;
                image: string;
                args?: string[];
                volumeMounts?: Array<{ name: string; mountPath: string }>;
              }>;
            };
          };
        };
      }
    | undefined;
  const container = statefulSet?.spec.template.spec.containers.find((c) => c.name === "metrics-collector");
  assert.ok(container, "no metrics-collector container");
  assert.equal(container.image, `otel/opentelemetry-collector-contrib:${contribVersion()}`);
  const configMountPath = container.volumeMounts?.find((m) => m.name === "config")?.mountPath;
  assert.ok(configMountPath, "the collector does not mount the config volume");
  const openclawJson = JSON.parse(configMap.data[CONFIG_FILE] ?? "{}") as {
    diagnostics?: { otel?: { metrics?: boolean; endpoint?: string } };
  };
  assert.equal(openclawJson.diagnostics?.otel?.metrics, true, "openclaw.json does not turn the gateway's metrics on");
  const gatewayEndpoint = openclawJson.diagnostics?.otel?.endpoint ?? "";
  const config = configMap.data[OTEL_COLLECTOR_FILE];
  assert.ok(config !== undefined, `the ConfigMap has no ${OTEL_COLLECTOR_FILE}`);
  return { config, gatewayEndpoint, args: container.args ?? [], configMountPath };
}

/** The pod's addresses, each replaced once by a loopback port of this test. */
function onLoopback(config: string, otlpPort: number, metricsPort: number): string {
  const pod = [`127.0.0.1:${OTLP_HTTP_PORT}`, `0.0.0.0:${METRICS_PORT}`] as const;
  for (const address of pod) assert.equal(config.split(address).length, 2, `the generated config names ${address} once:\n${config}`);
  return config.replace(pod[0], `127.0.0.1:${otlpPort}`).replace(pod[1], `127.0.0.1:${metricsPort}`);
}

function otlpCounter(name: string, value: number, route: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "openclaw-gateway" } }] },
        scopeMetrics: [
          {
            scope: { name: "openclaw-fleet-test" },
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      asInt: String(value),
                      startTimeUnixNano: String(now - 1_000_000_000n),
                      timeUnixNano: String(now),
                      attributes: [{ key: "route", value: { stringValue: route } }],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  assert.equal(response.status, 200);
  return response.text();
}

async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s: ${last instanceof Error ? last.message : String(last)}`);
}

describe("the metrics-collector sidecar, in a real OpenTelemetry Collector", function () {
  this.timeout(900_000);
  let binary: string;
  let work: string;
  let collector: ChildProcess | undefined;
  let log = "";

  before(() => {
    binary = collectorBinary();
    work = mkdtempSync(join(tmpdir(), "otelcol-"));
  });
  after(() => {
    if (collector?.pid !== undefined && collector.exitCode === null) process.kill(-collector.pid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it("`otelcol validate` accepts the generated config, and refuses a broken one", async () => {
    const { config } = await renderCollector();
    const file = join(work, "validate.yaml");
    writeFileSync(file, config);
    const ok = spawnSync(binary, ["validate", `--config=${file}`], { encoding: "utf8", timeout: 60_000 });
    assert.equal(ok.status, 0, `validate refused the generated config:\n${ok.stderr}\n${config}`);
    writeFileSync(file, config.replace("exporters: [prometheus]", "exporters: [prometheuss]"));
    const broken = spawnSync(binary, ["validate", `--config=${file}`], { encoding: "utf8", timeout: 60_000 });
    assert.notEqual(broken.status, 0, "validate accepted a pipeline naming an exporter that does not exist");
    assert.match(broken.stderr, /prometheuss/);
  });

  it("runs with the container's arguments: an OTLP metric sent where openclaw.json points comes out on the Prometheus endpoint", async () => {
    const { config, gatewayEndpoint, args, configMountPath } = await renderCollector();
    assert.equal(
      gatewayEndpoint,
      `http://127.0.0.1:${OTLP_HTTP_PORT}`,
      "openclaw.json points the gateway elsewhere than the collector's receiver",
    );
    const [otlpPort, metricsPort] = [await freePort(), await freePort()];
    const configDir = join(work, "config");
    execFileSync("mkdir", ["-p", configDir]);
    writeFileSync(join(configDir, OTEL_COLLECTOR_FILE), onLoopback(config, otlpPort, metricsPort));
    const hostArgs = args.map((a) => a.split(configMountPath).join(configDir));
    assert.deepEqual(hostArgs, [`--config=${join(configDir, OTEL_COLLECTOR_FILE)}`]);
    collector = spawn(binary, hostArgs, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    collector.stdout?.on("data", (c: Buffer) => (log += c.toString()));
    collector.stderr?.on("data", (c: Buffer) => (log += c.toString()));
    await eventually("the Prometheus endpoint answers", () => scrape(metricsPort)).catch((err: Error) => {
      throw new Error(`${err.message}\ncollector log:\n${log}`);
    });
    const sent = await fetch(`${gatewayEndpoint.replace(`:${OTLP_HTTP_PORT}`, `:${otlpPort}`)}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: otlpCounter("openclaw_fleet_test_requests", 7, "/healthz"),
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(sent.status, 200, `the otlp receiver refused the metric: ${await sent.text()}`);
    const exposition = await eventually("the metric is exposed", async () => {
      const text = await scrape(metricsPort);
      assert.match(text, /^openclaw_fleet_test_requests_total\{[^}]*route="\/healthz"[^}]*\} 7$/m);
      return text;
    });
    const line = exposition.split("\n").find((l) => l.startsWith("openclaw_fleet_test_requests_total{"));
    console.log(`      otelcol-contrib ${contribVersion()}: ${line}`);
    assert.match(line ?? "", /job="openclaw-gateway"/, "service.name becomes the job label");
  });
});
