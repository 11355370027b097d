/**
 * Names the program uses inside an instance's pod. User-supplied containers
 * and volumes must not reuse them (the operator rejects the same init
 * container names).
 */
export const RESERVED_INIT_CONTAINERS = [
  "init-state",
  "init-config",
  "init-skills",
  "init-pnpm",
  "init-python",
  "init-ollama",
  "init-tailscale-bin",
] as const;
export const RESERVED_CONTAINERS = ["openclaw", "chromium", "tailscale", "ollama", "web-terminal", "metrics-collector"] as const;
export const RESERVED_VOLUMES = [
  "config",
  "config-ref",
  "workspace-seed",
  "state",
  "workspace",
  "home",
  "tmp",
  "ca-bundle",
  "tailscale-socket",
  "tailscale-bin",
  "tailscale-tmp",
  "chromium-tmp",
  "chromium-shm",
  "ollama-models",
  "ollama-tmp",
  "web-terminal-tmp",
  "metrics-tmp",
] as const;

/** Environment variables the program sets on the app container; each has its own option. */
export const RESERVED_ENV: Readonly<Record<string, string>> = {
  HOME: "it is fixed to the image's home directory",
  PATH: "runtimeDeps and tailscale extend it",
  OPENCLAW_STATE_DIR: "it is where the state volume is mounted",
  OPENCLAW_GATEWAY_TOKEN: "use gateway.existingSecret",
  NODE_EXTRA_CA_CERTS: "use caBundle",
  TS_SOCKET: "use tailscale",
  OLLAMA_HOST: "use ollama",
};
