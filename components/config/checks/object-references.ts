import { ownedObjects, type OwnedObject } from "../../instance/owned-objects";
import type { InstanceModel } from "../model";
import type { CheckContext, ConfigCheck, InstanceProblem } from "./types";

/** A name in the instance's settings that refers to an object in its namespace. */
interface Reference {
  readonly kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim";
  readonly name: string;
  readonly path: (string | number)[];
  /** The instance's own object of that name is what this reference means to replace (so naming it is a mistake too). */
  readonly replacesOwn?: boolean;
}

function references(instance: InstanceModel): Reference[] {
  const spec = instance.spec;
  const refs: Reference[] = [];
  const add = (kind: Reference["kind"], name: string | undefined, path: (string | number)[], replacesOwn = false) => {
    if (name !== undefined) refs.push({ kind, name, path, replacesOwn });
  };
  add("ConfigMap", spec.config.configMapRef?.name, ["config", "configMapRef", "name"], true);
  add("Secret", spec.gateway.existingSecret?.name, ["gateway", "existingSecret", "name"], true);
  add("ConfigMap", spec.caBundle?.configMapName, ["caBundle", "configMapName"]);
  add("Secret", spec.caBundle?.secretName, ["caBundle", "secretName"]);
  add("Secret", spec.ingress.security.basicAuth.existingSecret, ["ingress", "security", "basicAuth", "existingSecret"], true);
  spec.ingress.tls.forEach((t, i) => add("Secret", t.secretName, ["ingress", "tls", i, "secretName"]));
  add("Secret", spec.tailscale.authKeySecretRef?.name, ["tailscale", "authKeySecretRef", "name"]);
  add("Secret", spec.webTerminal.credential?.secretRef.name, ["webTerminal", "credential", "secretRef", "name"]);
  add("PersistentVolumeClaim", spec.ollama.storage.existingClaim, ["ollama", "storage", "existingClaim"]);
  add("PersistentVolumeClaim", spec.persistence.existingClaim, ["persistence", "existingClaim"]);
  add("PersistentVolumeClaim", spec.workspaceVolume.existingClaim, ["workspaceVolume", "existingClaim"]);
  spec.image.pullSecrets.forEach((name, i) => add("Secret", name, ["image", "pullSecrets", i]));
  for (const [name, value] of Object.entries(spec.env)) {
    if (typeof value === "string" || "secretRef" in value || "fieldRef" in value) continue;
    if ("secretKeyRef" in value) add("Secret", value.secretKeyRef.name, ["env", name, "secretKeyRef", "name"]);
    else add("ConfigMap", value.configMapKeyRef.name, ["env", name, "configMapKeyRef", "name"]);
  }
  const envFrom = (sources: readonly { configMapRef?: { name: string }; secretRef?: { name: string } }[] | undefined, path: (string | number)[]) =>
    sources?.forEach((s, i) => {
      add("ConfigMap", s.configMapRef?.name, [...path, i, "configMapRef", "name"]);
      add("Secret", s.secretRef?.name, [...path, i, "secretRef", "name"]);
    });
  envFrom(spec.envFrom, ["envFrom"]);
  for (const key of ["initContainers", "sidecars"] as const) spec[key].forEach((c, i) => envFrom(c.envFrom, [key, i, "envFrom"]));
  for (const key of ["sidecarVolumes", "extraVolumes"] as const) {
    spec[key].forEach((v, i) => {
      add("ConfigMap", typeof v.configMap?.name === "string" ? v.configMap.name : undefined, [key, i, "configMap", "name"]);
      add("Secret", typeof v.secret?.secretName === "string" ? v.secret.secretName : undefined, [key, i, "secret", "secretName"]);
      add("PersistentVolumeClaim", typeof v.persistentVolumeClaim?.claimName === "string" ? v.persistentVolumeClaim.claimName : undefined, [key, i, "persistentVolumeClaim", "claimName"]);
    });
  }
  return refs;
}

function describe(object: OwnedObject, owner: InstanceModel, self: InstanceModel): string {
  const whose = owner.name === self.name ? "this instance's" : `instance "${owner.name}"'s`;
  return object.backup ? `${whose} backup ${object.kind} (store credentials, passphrase or engine: never for the app to read)` : `${whose} ${object.kind}, which this program writes`;
}

/**
 * A reference must name an object the user manages. Naming one the program makes reads
 * another instance's data or secrets, exposes the backup credentials to the agent, or points
 * an option at the very object it replaces (the program deletes that one when the option is set).
 */
function referenceProblems(instance: InstanceModel, context: CheckContext): InstanceProblem[] {
  const tenant = context.tenants.find((t) => t.name === instance.tenant);
  if (tenant === undefined) return [];
  const owned = new Map<string, { object: OwnedObject; owner: InstanceModel }>();
  for (const other of tenant.instances) for (const object of ownedObjects(other)) owned.set(`${object.kind}/${object.name}`, { object, owner: other });
  const problems: InstanceProblem[] = [];
  for (const ref of references(instance)) {
    const found = owned.get(`${ref.kind}/${ref.name}`);
    if (found === undefined) continue;
    const own = found.owner.name === instance.name;
    if (own && !found.object.backup && !ref.replacesOwn) continue;
    problems.push({ path: ref.path, message: `"${ref.name}" is ${describe(found.object, found.owner, instance)}; name a ${ref.kind} you manage yourself` });
  }
  return problems;
}

export const objectReferences: ConfigCheck = {
  id: "object-references",
  refuses:
    "a reference to an object the program makes: `config.configMapRef` naming one of its ConfigMaps, `gateway.existingSecret` naming a generated Secret, and any Secret, ConfigMap or claim reference naming another instance's objects or an instance's backup objects",
  instance: referenceProblems,
};
