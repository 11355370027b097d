/**
 * The program's one contact with how Pulumi hands config to a program: the values, which keys
 * are secret, and which leaves the stack file encrypts. Everything below works on a RawStackConfig.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { RawStackConfig } from "../config/raw-config";
import { locateStackFile, readStackFile } from "../config/stack-file";

// The SDK's own Config class uses this to mark secret values; it is not in the
// public typings, but it is the only synchronous way to ask which keys are secret.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running program's config, as Pulumi passes it, into a RawStackConfig. */
export function readPulumiConfig(namespace: string = pulumi.getProject()): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const foreignKeys: string[] = [];
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${namespace}:`)) {
      foreignKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(namespace.length + 1);
    values[key] = parseConfigValue(text);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { namespace, values, secretKeys, foreignKeys, leafSecrecy: stackFileSecrecy(namespace) };
}

/** Which leaves the stack file encrypts; undefined when there is no readable file (config from elsewhere). */
function stackFileSecrecy(namespace: string): RawStackConfig["leafSecrecy"] {
  const file = locateStackFile(process.cwd(), pulumi.getStack());
  try {
    return file === undefined ? undefined : readStackFile(file, namespace).leafSecrecy;
  } catch {
    // Pulumi read this file before the program started; a file it cannot parse is not the one it used.
    return undefined;
  }
}

/** Structured config values arrive as JSON text; plain strings do not. */
function parseConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
