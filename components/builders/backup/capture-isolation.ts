/**
 * Keeping store credentials out of the SQLite capture container, the one
 * container of a backup pod that opens files the agent controls (see
 * docs/security.md, "The SQLite capture and the store identity").
 */

/**
 * The EKS pod identity webhook projects IRSA and Pod Identity credentials
 * into every container of a pod unless the pod names it here. The SQLite
 * capture opens files the agent controls, in the app's image: it must never
 * hold the store identity, only the engine container does.
 */
export const SKIP_CONTAINERS_ANNOTATION = "eks.amazonaws.com/skip-containers";

/**
 * Runs before the capture script and refuses to go on when credentials
 * reached the container anyway (a webhook that ignores skip-containers, a
 * hand-edited Job): a failed backup, loudly, rather than store credentials
 * next to agent-controlled files. The script's path is the next argument.
 */
export const CAPTURE_GUARD = [
  'import { existsSync } from "node:fs";',
  'import { pathToFileURL } from "node:url";',
  'const vars = ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].filter((k) => process.env[k]);',
  'const dirs = ["/var/run/secrets/eks.amazonaws.com", "/var/run/secrets/pods.eks.amazonaws.com", "/var/run/secrets/kubernetes.io/serviceaccount"].filter((d) => existsSync(d));',
  "if (vars.length + dirs.length > 0) {",
  '  console.error(`sqlite-snapshot: refusing to open the instance\'s SQLite files: this container holds credentials (${[...vars, ...dirs].join(", ")}); the pod annotation eks.amazonaws.com/skip-containers must keep them out (upgrade the EKS pod identity webhook)`);',
  "  process.exit(2);",
  "}",
  "await import(pathToFileURL(process.argv[1]).href);",
].join("\n");
