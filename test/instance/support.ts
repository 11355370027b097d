import { strict as assert } from "node:assert";
import { loadFleetConfig } from "../../components/validation/load";
import { ConfigError } from "../../components/config/problems";
import type { Registration } from "../../scripts/lib/mock-runtime";
import "../support/crd-schemas";
import { assertValidObject } from "../support/k8s-schema";
import { kubernetesObjects, minimalStack, runProgram } from "../support/stacks";

export type Obj = Record<string, unknown>;

/** The value at a dotted path (`spec.template.spec.containers`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".").filter((k) => k !== "")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The list of objects at `path` (empty when absent). */
export function list(value: unknown, path: string): Obj[] {
  const found = at(value, path);
  return Array.isArray(found) ? (found as Obj[]) : [];
}

/** A pinned image for sidecars, as every enabled sidecar needs one. */
export const PINNED = { tag: "1.2.3" };

export interface Rendered {
  readonly registrations: Registration[];
  readonly objects: Obj[];
  /** The one object of `kind` (optionally with `name`); fails when there is not exactly one. */
  one(kind: string, name?: string): Obj;
  all(kind: string): Obj[];
  /** The instance's pod spec. */
  readonly pod: Obj;
  container(name: string): Obj;
  initContainer(name: string): Obj;
}

/** Runs the program for one instance `acme/bot` and validates every Kubernetes object it produces. */
export async function renderInstance(instance: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Rendered> {
  const registrations = await runProgram(minimalStack(instance, extra));
  const objects = kubernetesObjects(registrations) as unknown as Obj[];
  for (const object of objects) assertValidObject(object);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name?: string) => {
    const found = all(kind).filter((o) => name === undefined || at(o, "metadata.name") === name);
    const [first] = found;
    assert.ok(
      found.length === 1 && first !== undefined,
      `expected one ${kind} ${name ?? ""}, found ${found.map((o) => at(o, "metadata.name")).join(", ") || "none"}`,
    );
    return first;
  };
  const pod = at(one("StatefulSet"), "spec.template.spec") as Obj;
  const byName = (containers: Obj[], name: string) => {
    const found = containers.find((c) => c.name === name);
    assert.ok(found, `no container ${name} (have ${containers.map((c) => c.name).join(", ")})`);
    return found;
  };
  return {
    registrations,
    objects,
    one,
    all,
    pod,
    container: (name) => byName(list(pod, "containers"), name),
    initContainer: (name) => byName(list(pod, "initContainers"), name),
  };
}

/** The problems a config produces, as printed (`openclaw-fleet:<path>: <message>`). */
export function problemsOf(instance: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  try {
    loadFleetConfig(minimalStack(instance, extra));
  } catch (err) {
    if (err instanceof ConfigError)
      return err.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw err;
  }
  return [];
}

export const BOT = "openclaw-fleet:tenants.acme.instances.bot";

/** Asserts a problem at `path` (below the instance) whose message contains `fragment`. */
export function assertProblem(problems: string[], path: string, fragment: string): void {
  const prefix = `${BOT}.${path}: `;
  assert.ok(
    problems.some((p) => p.startsWith(prefix) && p.includes(fragment)),
    `expected a problem at ${path} containing ${JSON.stringify(fragment)}; got:\n  ${problems.join("\n  ") || "(none)"}`,
  );
}

/** Every container of the pod stays within Pod Security `restricted`. */
export function assertRestricted(pod: Obj): void {
  assert.equal(at(pod, "securityContext.runAsNonRoot"), true);
  assert.equal(at(pod, "securityContext.seccompProfile.type"), "RuntimeDefault");
  for (const c of [...list(pod, "initContainers"), ...list(pod, "containers")]) {
    const name = String(c.name);
    assert.equal(at(c, "securityContext.allowPrivilegeEscalation"), false, `${name}: allowPrivilegeEscalation`);
    assert.deepEqual(at(c, "securityContext.capabilities.drop"), ["ALL"], `${name}: drop ALL`);
    const uid = at(c, "securityContext.runAsUser") ?? at(pod, "securityContext.runAsUser");
    assert.ok(typeof uid === "number" && uid > 0, `${name}: runs as UID ${String(uid)}`);
  }
  for (const v of list(pod, "volumes")) assert.equal(v.hostPath, undefined, `volume ${String(v.name)} is a hostPath`);
}

/** A container's env, by name. */
export function envOf(container: Obj): Record<string, Obj> {
  return Object.fromEntries(list(container, "env").map((e) => [String(e.name), e]));
}

/** A container's volume mounts, by mount path. */
export function mountsOf(container: Obj): Record<string, Obj> {
  return Object.fromEntries(list(container, "volumeMounts").map((m) => [String(m.mountPath), m]));
}
