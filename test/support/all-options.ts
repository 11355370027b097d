// One instance with every option that changes openclaw.json turned on, plus a `config.raw` that
// uses OpenClaw keys the way the docs show them. The OpenClaw tests check that what the program
// renders for it is accepted by the pinned release (`openclaw config validate`) and that the
// gateway starts on it.
import { OPENCLAW_VERSION } from "../../components/config/openclaw-release";

const PINNED = { tag: "1.2.3" };

export const ALL_OPTIONS_INSTANCE: Record<string, unknown> = {
  image: { tag: OPENCLAW_VERSION },
  config: {
    raw: {
      agents: { defaults: { model: "anthropic/claude-sonnet-4-5" } },
      gateway: { auth: { mode: "token" } },
      tools: { web: { fetch: { enabled: true } } },
    },
  },
  chromium: { enabled: true, image: PINNED },
  tailscale: { enabled: true, authSSO: true, image: PINNED, authKeySecretRef: { name: "tailscale-auth" } },
  webTerminal: { enabled: true, image: PINNED, credential: { secretRef: { name: "terminal-login" } } },
  ollama: { enabled: true, image: PINNED, models: ["llama3.2"] },
  observability: { metrics: { enabled: true, collectorImage: PINNED }, logging: { level: "debug", format: "json" } },
  runtimeDeps: { pnpm: true },
};
