export const GATEWAY_PORT = 18789;
export const CANVAS_PORT = 18793;
/** browserless' Chrome DevTools Protocol endpoint (pod-local only). */
export const CHROMIUM_PORT = 3000;
export const WEB_TERMINAL_PORT = 7681;
export const OLLAMA_PORT = 11434;
/** Where the metrics collector receives OpenClaw's OTLP metrics (pod-local only). */
export const OTLP_HTTP_PORT = 4318;

/** Where OpenClaw keeps its state (`~/.openclaw` of the `node` user). */
export const STATE_DIR = "/home/node/.openclaw";
/**
 * OpenClaw's state is this folder of the state volume, mounted at STATE_DIR with `subPath`: the
 * volume's root usually belongs to root, and OpenClaw must own its state directory (it tightens
 * it to 0700). See scripts/state-layout.mjs.
 */
export const STATE_FOLDER = "openclaw-state";
/** Where the `init-state` init container mounts the state volume's root (the only one that does). */
export const STATE_VOLUME_ROOT = "/var/lib/openclaw/state-volume";
export const WORKSPACE_DIR = `${STATE_DIR}/workspace`;
export const HOME_DIR = "/home/node";
export const CONFIG_MOUNT_DIR = "/etc/openclaw";
export const CONFIG_REF_MOUNT_DIR = "/etc/openclaw-ref";
export const WORKSPACE_SEED_DIR = "/etc/openclaw-workspace";
export const CONFIG_FILE = "openclaw.json";
export const CA_BUNDLE_PATH = "/etc/ssl/certs/custom-ca-bundle.crt";
export const TAILSCALE_SOCKET_DIR = "/var/run/tailscale";
export const TAILSCALE_BIN_DIR = "/tailscale-bin";
/** Where runtimeDeps install their binaries, on the state volume. */
export const RUNTIME_BIN_DIR = `${STATE_DIR}/.local/bin`;

/**
 * tailscaled's own UID. tailscaled grants its LocalAPI read-write only to
 * root and to its own UID; any other non-root client is read-only. The app
 * runs as another UID (config validation keeps them apart), so even with the
 * socket mounted for SSO it cannot change serve, funnel or login state.
 */
export const TAILSCALE_UID = 65532;
