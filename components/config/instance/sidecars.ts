import { z } from "zod";
import { dnsLabel, positiveQuantity, resourceRequirements } from "../primitives";
import { sidecarImage } from "./image";
import { container, envVar, volume, volumeMount } from "./kubernetes";

export const MAX_OLLAMA_MODELS = 10;
export const MAX_INIT_CONTAINERS = 10;
export const MAX_EXTRA_VOLUMES = 10;

const secretName = z.object({ name: dnsLabel("Secret name", 253) }).strict();

export const chromium = z
  .object({
    enabled: z.boolean().default(false),
    image: sidecarImage("ghcr.io/browserless/chromium"),
    resources: resourceRequirements({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } }),
    /** Appended to browserless' arguments (it forwards unknown flags to Chromium). */
    extraArgs: z.array(z.string()).default([]),
    extraEnv: z.array(envVar).default([]),
  })
  .strict()
  .prefault({});

export const tailscale = z
  .object({
    enabled: z.boolean().default(false),
    /** `serve`: tailnet members only; `funnel`: the public internet through Tailscale Funnel. */
    mode: z.enum(["serve", "funnel"]).default("serve"),
    image: sidecarImage("ghcr.io/tailscale/tailscale"),
    /** Secret holding an auth key (use an ephemeral, reusable key: node state lives in an emptyDir). */
    authKeySecretRef: secretName.optional(),
    authKeySecretKey: z.string().min(1).default("authkey"),
    /** Device name on the tailnet; default: the instance name. */
    hostname: dnsLabel("Tailscale hostname").optional(),
    /** Lets tailnet members in without the gateway token (sets gateway.auth.allowTailscale). */
    authSSO: z.boolean().default(false),
    resources: resourceRequirements({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } }),
  })
  .strict()
  .prefault({});

const OLLAMA_MODEL = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?$/;

export const ollama = z
  .object({
    enabled: z.boolean().default(false),
    image: sidecarImage("ollama/ollama"),
    /** Pulled by an init container before the app starts. */
    models: z
      .array(z.string().regex(OLLAMA_MODEL, { message: "is not an Ollama model name (e.g. llama3.2 or nomic-embed-text:v1.5)" }))
      .max(MAX_OLLAMA_MODELS)
      .default([]),
    resources: resourceRequirements({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } }),
    storage: z
      .object({
        /** Bound of the emptyDir model cache. */
        sizeLimit: positiveQuantity.default("20Gi"),
        /** A PVC for the model cache instead of the emptyDir, so models survive restarts. */
        existingClaim: dnsLabel("PersistentVolumeClaim name", 253).optional(),
      })
      .strict()
      .prefault({}),
    /** NVIDIA GPUs (`nvidia.com/gpu`); needs the NVIDIA device plugin. */
    gpu: z.number().int().min(0).optional(),
  })
  .strict()
  .prefault({});

export const webTerminal = z
  .object({
    enabled: z.boolean().default(false),
    image: sidecarImage("tsl0922/ttyd"),
    resources: resourceRequirements({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } }),
    /** View-only terminal; the data volumes are mounted read-only too. */
    readOnly: z.boolean().default(false),
    /** Secret with `username` and `password` keys for basic auth. */
    credential: z.object({ secretRef: secretName }).strict().optional(),
  })
  .strict()
  .prefault({});

export const initContainers = z.array(container).max(MAX_INIT_CONTAINERS).default([]);
export const sidecars = z.array(container).default([]);
export const sidecarVolumes = z.array(volume).default([]);
export const extraVolumes = z.array(volume).max(MAX_EXTRA_VOLUMES).default([]);
export const extraVolumeMounts = z.array(volumeMount).max(MAX_EXTRA_VOLUMES).default([]);
