import type * as k8s from "@pulumi/kubernetes";
import { imageReference } from "../../../config/instance/image";
import type { InstanceModel } from "../../../config/model";
import { BOOTSTRAP_FILE, SKILLS_FILE, STATE_LAYOUT_FILE } from "../assets";
import {
  CA_BUNDLE_PATH,
  CONFIG_MOUNT_DIR,
  STATE_DIR,
  STATE_FOLDER,
  STATE_VOLUME_ROOT,
  TAILSCALE_BIN_DIR,
  WORKSPACE_DIR,
  WORKSPACE_SEED_DIR,
} from "../../../config/ports";
import { appUsesTailscaleSocket } from "./app-container";
import { configEnv, configMounts } from "./config-wiring";
import { OLLAMA_ENV, OLLAMA_MOUNTS } from "./ollama";
import { helperSecurityContext } from "./security";
import { userContainer } from "./user-containers";
import { dataMounts, TMP_MOUNT } from "./shared";

type Container = k8s.types.input.core.v1.Container;

const SMALL = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const INSTALLER = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } };
const INSTALL_DIR = `${STATE_DIR}/.local`;

// Constant scripts: every input comes from the environment, never from string formatting.
const PNPM_SCRIPT = `set -eu
mkdir -p "$INSTALL_DIR/bin"
if [ -x "$INSTALL_DIR/bin/pnpm" ]; then echo "pnpm already installed"; exit 0; fi
corepack enable pnpm --install-directory "$INSTALL_DIR/bin"
"$INSTALL_DIR/bin/pnpm" --version`;

const PYTHON_SCRIPT = `set -eu
mkdir -p "$INSTALL_DIR/bin"
if [ -x "$INSTALL_DIR/bin/python3" ]; then echo "python already installed"; exit 0; fi
uv python install 3.12
ln -sf "$UV_PYTHON_INSTALL_DIR"/cpython-3.12*/bin/python3 "$INSTALL_DIR/bin/python3"
ln -sf "$INSTALL_DIR/bin/python3" "$INSTALL_DIR/bin/python"
cp "$(command -v uv)" "$INSTALL_DIR/bin/uv"
"$INSTALL_DIR/bin/python3" --version`;

// Model names are validated (no spaces or shell characters), so word splitting of PULL_MODELS is safe.
const OLLAMA_PULL_SCRIPT = `set -eu
ollama serve &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
tries=0
until ollama list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "ollama did not start" >&2; exit 1; fi
  sleep 1
done
for model in $PULL_MODELS; do ollama pull "$model"; done`;

/**
 * Makes the state folder, owned by the app's user, and moves a volume of the layout before it
 * into it (scripts/state-layout.mjs). The only container that mounts the volume's root, and the
 * first: the kubelet would make a missing subPath folder itself, as root, when the next container
 * starts.
 */
function stateLayoutInit(instance: InstanceModel): Container {
  const spec = instance.spec;
  return {
    name: "init-state",
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    command: ["node", `${CONFIG_MOUNT_DIR}/${STATE_LAYOUT_FILE}`],
    env: [
      { name: "HOME", value: "/tmp" },
      { name: "STATE_VOLUME_ROOT", value: STATE_VOLUME_ROOT },
      { name: "STATE_FOLDER", value: STATE_FOLDER },
    ],
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    resources: SMALL,
    volumeMounts: [
      { name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true },
      { name: "state", mountPath: STATE_VOLUME_ROOT },
      TMP_MOUNT("tmp"),
    ],
  };
}

/** Writes openclaw.json onto the state volume and seeds the workspace. */
function configInit(instance: InstanceModel): Container {
  const spec = instance.spec;
  const hasSeed = Object.keys(spec.workspace.initialFiles).length > 0;
  const mounts = [...configMounts(instance), ...dataMounts(spec), TMP_MOUNT("tmp")];
  if (hasSeed) mounts.push({ name: "workspace-seed", mountPath: WORKSPACE_SEED_DIR, readOnly: true });
  return {
    name: "init-config",
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    command: ["node", `${CONFIG_MOUNT_DIR}/${BOOTSTRAP_FILE}`, "all"],
    env: [
      { name: "HOME", value: "/tmp" },
      ...configEnv(instance),
      { name: "WORKSPACE_DIR", value: WORKSPACE_DIR },
      { name: "WORKSPACE_DIRECTORIES", value: JSON.stringify([...spec.workspace.initialDirectories].sort()) },
      ...(hasSeed ? [{ name: "WORKSPACE_SEED_DIR", value: WORKSPACE_SEED_DIR }] : []),
    ],
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    resources: SMALL,
    volumeMounts: mounts,
  };
}

function tailscaleBinInit(instance: InstanceModel): Container {
  return {
    name: "init-tailscale-bin",
    image: imageReference(instance.spec.tailscale.image),
    imagePullPolicy: "IfNotPresent",
    command: ["cp", "/usr/local/bin/tailscale", `${TAILSCALE_BIN_DIR}/tailscale`],
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    resources: SMALL,
    volumeMounts: [{ name: "tailscale-bin", mountPath: TAILSCALE_BIN_DIR }],
  };
}

const INSTALLER_ENV: readonly k8s.types.input.core.v1.EnvVar[] = [
  { name: "HOME", value: "/tmp" },
  { name: "INSTALL_DIR", value: INSTALL_DIR },
];

function pnpmInit(instance: InstanceModel): Container {
  const spec = instance.spec;
  return {
    name: "init-pnpm",
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    command: ["sh", "-c", PNPM_SCRIPT],
    env: [...INSTALLER_ENV, { name: "COREPACK_HOME", value: `${INSTALL_DIR}/corepack` }, { name: "NPM_CONFIG_CACHE", value: "/tmp/.npm" }],
    // corepack writes next to node itself.
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: false }),
    resources: INSTALLER,
    volumeMounts: [...dataMounts(spec), TMP_MOUNT("tmp")],
  };
}

function pythonInit(instance: InstanceModel): Container {
  const spec = instance.spec;
  const env = [
    ...INSTALLER_ENV,
    { name: "UV_PYTHON_INSTALL_DIR", value: `${INSTALL_DIR}/python` },
    { name: "XDG_CACHE_HOME", value: "/tmp/.cache" },
  ];
  if (spec.caBundle !== undefined) env.push({ name: "SSL_CERT_FILE", value: CA_BUNDLE_PATH });
  return {
    name: "init-python",
    image: imageReference(spec.runtimeDeps.uvImage),
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", PYTHON_SCRIPT],
    env,
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: false }),
    resources: INSTALLER,
    volumeMounts: [...dataMounts(spec), TMP_MOUNT("tmp")],
  };
}

function skillsInit(instance: InstanceModel): Container {
  const spec = instance.spec;
  return {
    name: "init-skills",
    image: imageReference(spec.image),
    imagePullPolicy: spec.image.pullPolicy,
    command: ["node", `${CONFIG_MOUNT_DIR}/${SKILLS_FILE}`],
    env: [
      { name: "HOME", value: "/tmp" },
      { name: "NPM_CONFIG_CACHE", value: "/tmp/.npm" },
      // No preinstall/postinstall scripts from anything a skill pulls in.
      { name: "NPM_CONFIG_IGNORE_SCRIPTS", value: "true" },
      { name: "OPENCLAW_STATE_DIR", value: STATE_DIR },
      { name: "WORKSPACE_DIR", value: WORKSPACE_DIR },
      { name: "SKILLS", value: JSON.stringify([...spec.skills].sort()) },
    ],
    // npx unpacks packages outside the volumes.
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: false }),
    resources: INSTALLER,
    volumeMounts: [{ name: "config", mountPath: CONFIG_MOUNT_DIR, readOnly: true }, ...dataMounts(spec), TMP_MOUNT("tmp")],
  };
}

function ollamaPullInit(instance: InstanceModel): Container {
  const ollama = instance.spec.ollama;
  return {
    name: "init-ollama",
    image: imageReference(ollama.image),
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", OLLAMA_PULL_SCRIPT],
    env: [...OLLAMA_ENV, { name: "PULL_MODELS", value: ollama.models.join(" ") }],
    securityContext: helperSecurityContext({ readOnlyRootFilesystem: true }),
    resources: { requests: { ...ollama.resources.requests }, limits: { ...ollama.resources.limits } },
    volumeMounts: [...OLLAMA_MOUNTS],
  };
}

/** In order: state folder, config, tailscale binary, runtime deps (skills may need them), skills, models, then the user's. */
export function initContainers(instance: InstanceModel): Container[] {
  const spec = instance.spec;
  const out = [stateLayoutInit(instance), configInit(instance)];
  if (appUsesTailscaleSocket(instance)) out.push(tailscaleBinInit(instance));
  if (spec.runtimeDeps.pnpm) out.push(pnpmInit(instance));
  if (spec.runtimeDeps.python) out.push(pythonInit(instance));
  if (spec.skills.length > 0) out.push(skillsInit(instance));
  if (spec.ollama.enabled && spec.ollama.models.length > 0) out.push(ollamaPullInit(instance));
  out.push(...spec.initContainers.map((c) => userContainer(c)));
  return out;
}
