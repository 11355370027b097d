export const GATEWAY_PORT = 18789;
export const CANVAS_PORT = 18793;

/** Where OpenClaw keeps its state (`~/.openclaw` of the `node` user). */
export const STATE_DIR = "/home/node/.openclaw";
export const HOME_DIR = "/home/node";
export const CONFIG_MOUNT_DIR = "/etc/openclaw";
export const CONFIG_FILE = "openclaw.json";
