import { OLLAMA_PORT } from "../../../config/ports";
import { TMP_MOUNT } from "./shared";

const OLLAMA_DIR = "/ollama";

// Ollama listens on localhost only: the app is its one client. It runs as the pod's non-root user,
// with its models and key on its own volumes (the operator runs it as root).
export const OLLAMA_ENV = [
  { name: "HOME", value: "/tmp" },
  { name: "OLLAMA_HOST", value: `127.0.0.1:${OLLAMA_PORT}` },
  { name: "OLLAMA_MODELS", value: `${OLLAMA_DIR}/models` },
];
export const OLLAMA_MOUNTS = [{ name: "ollama-models", mountPath: OLLAMA_DIR }, TMP_MOUNT("ollama-tmp")];
