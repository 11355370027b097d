/**
 * The sidecar images the suite's stack turns on, from the binaries the tests
 * already build:
 * - tailscale (ghcr.io/tailscale/tailscale): tailscale, tailscaled
 *   (test/security/tailscale/build.sh) and containerboot (containerboot.sh)
 *   in /usr/local/bin, ENTRYPOINT containerboot, as upstream; no iptables or
 *   iproute2, since the program renders userspace networking (TS_USERSPACE).
 * - the metrics collector (otel/opentelemetry-collector-contrib): the tests'
 *   OpenTelemetry Collector (test/tools/otelcol, only the components the
 *   rendered config uses) at /otelcol-contrib, USER 10001:10001, ENTRYPOINT
 *   and CMD as upstream, on an image with nothing else but the CA bundle.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { busyboxLayer, librariesLayer, systemLayer } from "./base";
import { buildImage, type BuiltImage } from "./build";
import { Layer } from "./layer";
import { E2E_REGISTRY } from "./registry";

const PROJECT = resolve(__dirname, "..", "..", "..");
const say0 = (m: string) => process.stderr.write(`images: ${m}\n`);

/** The last stdout line of a build script: the path it built or found (progress goes to stderr). */
function built(script: string, args: readonly string[] = []): string {
  const out = execFileSync("bash", [join(PROJECT, script), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const path = out.trim().split("\n").pop() ?? "";
  if (!existsSync(path)) throw new Error(`${script} printed "${path}", which does not exist`);
  return path;
}

function tailscaleVersion(): string {
  const version = /^TAILSCALE_VERSION=(\S+)$/m.exec(
    readFileSync(join(PROJECT, "test", "security", "tailscale", "versions.env"), "utf8"),
  )?.[1];
  if (version === undefined) throw new Error("test/security/tailscale/versions.env names no TAILSCALE_VERSION");
  return version;
}

export const TAILSCALE_IMAGE_REFERENCE = `${E2E_REGISTRY}/tailscale/tailscale:${tailscaleVersion()}`;

/** The tailscale sidecar image (`${E2E_REGISTRY}/tailscale/tailscale:<version>`); builds the binaries on first use. */
export async function tailscaleImage(log: (message: string) => void = say0): Promise<BuiltImage> {
  const bin = built("test/security/tailscale/build.sh");
  const boot = built("test/e2e/images/containerboot.sh");
  const binaries = [join(bin, "tailscale"), join(bin, "tailscaled"), join(boot, "containerboot")];
  const tools = new Layer(`tailscale ${tailscaleVersion()}`);
  for (const binary of binaries) tools.copy(`/usr/local/bin/${binary.slice(binary.lastIndexOf("/") + 1)}`, binary, { mode: 0o755 });
  return buildImage(
    {
      reference: TAILSCALE_IMAGE_REFERENCE,
      compression: "gzip",
      config: {
        Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        Entrypoint: ["/usr/local/bin/containerboot"],
        Labels: {
          "org.opencontainers.image.title": "tailscale (built by openclaw-fleet's end-to-end suite)",
          "org.opencontainers.image.version": tailscaleVersion(),
        },
      },
      layers: [
        busyboxLayer(log),
        systemLayer([]),
        librariesLayer("shared libraries of the tailscale binaries (none when static)", binaries),
        tools,
      ],
    },
    log,
  );
}

function collectorVersion(): string {
  const version = /opentelemetry-collector-contrib\/exporter\/prometheusexporter v(\S+)/.exec(
    readFileSync(join(PROJECT, "test", "tools", "otelcol", "go.mod"), "utf8"),
  )?.[1];
  if (version === undefined) throw new Error("test/tools/otelcol/go.mod requires no prometheusexporter");
  return version;
}

export const METRICS_COLLECTOR_IMAGE_REFERENCE = `${E2E_REGISTRY}/otel/opentelemetry-collector-contrib:${collectorVersion()}`;

/** The metrics-collector sidecar image (`${E2E_REGISTRY}/otel/opentelemetry-collector-contrib:<version>`). */
export async function metricsCollectorImage(log: (message: string) => void = say0): Promise<BuiltImage> {
  const otelcol = built("test/tools/build.sh", ["otelcol"]);
  const uid = 10001;
  return buildImage(
    {
      reference: METRICS_COLLECTOR_IMAGE_REFERENCE,
      compression: "gzip",
      config: {
        User: `${uid}:${uid}`,
        Entrypoint: ["/otelcol-contrib"],
        Cmd: ["--config", "/etc/otelcol-contrib/config.yaml"],
        ExposedPorts: { "4317/tcp": {}, "4318/tcp": {}, "55679/tcp": {} },
        Labels: {
          "org.opencontainers.image.title": "OpenTelemetry Collector (built by openclaw-fleet's end-to-end suite)",
          "org.opencontainers.image.version": collectorVersion(),
        },
      },
      layers: [
        new Layer("CA bundle").copy("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt", { mode: 0o644 }),
        librariesLayer("shared libraries of the collector (none when static)", [otelcol]),
        new Layer(`otelcol ${collectorVersion()}`).copy("/otelcol-contrib", otelcol, { mode: 0o755 }),
      ],
    },
    log,
  );
}
