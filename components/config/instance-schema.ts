import { z } from "zod";
import { instanceBackupSchema } from "./instance-backup-schema";
import { config, env, envFrom, gateway, resources, runtimeDeps, skills, workspace } from "./instance/app";
import { image } from "./instance/image";
import { availability, observability, probes } from "./instance/operations";
import { caBundle, containerSecurityContext, networkPolicy, podSecurityContext, rbac } from "./instance/security";
import {
  chromium,
  extraVolumeMounts,
  extraVolumes,
  initContainers,
  ollama,
  sidecars,
  sidecarVolumes,
  tailscale,
  webTerminal,
} from "./instance/sidecars";
import { persistence, workspaceVolume } from "./instance/storage";
import { ingress, service } from "./instance/networking";

export { DEFAULT_IMAGE_REPOSITORY } from "./instance/image";

/**
 * One OpenClaw instance: every option of the openclaw-operator's
 * OpenClawInstance spec (docs/instance.md maps each one). Every field has a
 * default or is optional, so the same schema validates the stack-wide
 * `defaults` block and each instance. Rules between options are the `settings`
 * checks of the registry (components/validation/checks), which the loader adds.
 */
export const instanceSchema = z
  .object({
    image,
    /** 0 stops the instance (and suspends its backup schedule) without deleting data. */
    replicas: z.number().int().min(0).max(1).default(1),
    config,
    workspace,
    skills,
    gateway,
    env,
    envFrom,
    resources,
    podSecurityContext,
    containerSecurityContext,
    networkPolicy,
    rbac,
    caBundle: caBundle.optional(),
    persistence,
    workspaceVolume,
    chromium,
    tailscale,
    ollama,
    webTerminal,
    initContainers,
    sidecars,
    sidecarVolumes,
    extraVolumes,
    extraVolumeMounts,
    runtimeDeps,
    service,
    ingress,
    probes,
    observability,
    availability,
    backup: instanceBackupSchema,
  })
  .strict();

export type InstanceSpec = z.output<typeof instanceSchema>;
