import { z } from "zod";
import { dnsLabel, envVarName, resourceRequirements, secretRef } from "../primitives";
import { envFromSource } from "./kubernetes";
import { sidecarImage } from "./image";

export const MAX_INITIAL_FILES = 50;
export const MAX_INITIAL_DIRECTORIES = 20;
export const MAX_SKILLS = 20;
/** ConfigMaps hold at most 1 MiB; leave room for keys and metadata. */
export const MAX_WORKSPACE_BYTES = 900 * 1024;

const configMapKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: "is not a valid ConfigMap key (letters, digits, '-', '_', '.')" });

export const config = z
  .object({
    /** Inline openclaw.json; the program renders it into a ConfigMap. */
    raw: z.record(z.string(), z.unknown()).optional(),
    /** A ConfigMap you manage in the tenant namespace, instead of `raw`. */
    configMapRef: z
      .object({ name: dnsLabel("ConfigMap name", 253), key: configMapKey.default("openclaw.json") })
      .strict()
      .optional(),
    /** `overwrite`: the file on the volume is replaced on every start; `merge`: deep-merged into it, keeping runtime changes. */
    mergeMode: z.enum(["overwrite", "merge"]).default("overwrite"),
    format: z.enum(["json", "json5"]).default("json"),
  })
  .strict()
  .prefault({});

/** A relative path inside the workspace: no absolute paths, no `..`, no empty segments. */
export function isWorkspacePath(path: string): boolean {
  if (
    path.length === 0 ||
    path.length > 255 ||
    path.startsWith("/") ||
    path.includes("\\") ||
    [...path].some((c) => c.charCodeAt(0) < 0x20)
  )
    return false;
  return path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}
const workspacePath = z.string().refine(isWorkspacePath, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a relative path inside the workspace (no leading '/', no '..', no empty segments)`,
});

export const workspace = z
  .object({
    /** Path (relative to the workspace) → content; written only when the file does not exist yet. */
    initialFiles: z
      .record(workspacePath, z.string())
      .default({})
      .refine((files) => Object.keys(files).length <= MAX_INITIAL_FILES, { message: `allows at most ${MAX_INITIAL_FILES} files` })
      .refine(
        (files) => Object.entries(files).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0) <= MAX_WORKSPACE_BYTES,
        {
          message: `the files add up to more than ${MAX_WORKSPACE_BYTES / 1024} KiB, more than a ConfigMap can hold; ship large files in a skill or an image instead`,
        },
      ),
    /** Directories to create (`mkdir -p`), nested paths allowed. */
    initialDirectories: z.array(workspacePath).max(MAX_INITIAL_DIRECTORIES).default([]),
  })
  .strict()
  .prefault({});

const CLAWHUB = /^@?[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)?(@[A-Za-z0-9._-]+)?$/;
const NPM = /^npm:(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*(@[A-Za-z0-9._^~<>=*|-]+)?$/;
const PACK = /^pack:[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*(@[A-Za-z0-9._/-]+)?$/;

export function isSkillId(id: string): boolean {
  if (id.includes("..")) return false;
  return CLAWHUB.test(id) || NPM.test(id) || PACK.test(id);
}

export const skills = z
  .array(
    z.string().refine(isSkillId, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a skill: use a ClawHub id (e.g. @anthropic/mcp-server-fetch), npm:<package>[@version] or pack:<owner>/<repo>/<path>[@ref]`,
    }),
  )
  .max(MAX_SKILLS)
  .default([]);

const keyRef = z.object({ name: dnsLabel("object name", 253), key: z.string().min(1) }).strict();

/** An environment variable: a plain value, a stack secret, or a reference to an object in the namespace. */
export const envValue = z.union([
  z.string(),
  secretRef,
  z.object({ secretKeyRef: keyRef }).strict(),
  z.object({ configMapKeyRef: keyRef }).strict(),
  z.object({ fieldRef: z.object({ fieldPath: z.string().min(1) }).strict() }).strict(),
]);
export type EnvValue = z.output<typeof envValue>;

export const env = z.record(envVarName, envValue).default({});
export const envFrom = z.array(envFromSource).default([]);

export const resources = resourceRequirements({
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "4Gi" },
});

export const gateway = z
  .object({
    /** Use an existing Secret for the gateway token instead of generating one. */
    existingSecret: z
      .object({ name: dnsLabel("Secret name", 253), key: z.string().min(1).default("token") })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

export const runtimeDeps = z
  .object({
    /** Installs pnpm (corepack) onto the state volume, for npm-based MCP servers and skills. */
    pnpm: z.boolean().default(false),
    /** Installs Python 3.12 and uv onto the state volume. */
    python: z.boolean().default(false),
    /** The uv image that installs Python; it must contain a shell (a `-bookworm-slim` or `-alpine` variant). */
    uvImage: sidecarImage("ghcr.io/astral-sh/uv"),
  })
  .strict()
  .prefault({});
