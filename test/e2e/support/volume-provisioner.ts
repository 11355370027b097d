/**
 * The real node's PersistentVolume provisioner: the default StorageClass of the suite's
 * cluster, whose claims become `local` PersistentVolumes on real directories of the node.
 *
 * Why `local` and not `hostPath`: the kubelet applies a pod's `fsGroup` to a `local` volume
 * (as it does to a CSI block volume), and not to a `hostPath` one, so the app and its backup
 * pods meet the ownership a real cluster gives them. Each folder is made 0755 and root-owned, as
 * a freshly made filesystem's root is, so a pod that writes to it proves the kubelet's fsGroup
 * handling and the program's state folder, not a permissive folder.
 *
 * It is a small controller in the test process, polling through kubectl: a Pending claim of
 * its class gets a PersistentVolume pre-bound to it (the kube-controller-manager's binder does
 * the binding); a Released volume of its class has its folder removed and is deleted, as a
 * `reclaimPolicy: Delete` class promises. Polls stop with stop(), which leaves no folder.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ControlPlane } from "./control-plane";

export const STORAGE_CLASS = "openclaw-e2e-local";
const PROVISIONER = "openclaw-e2e.io/local";
const MANAGED_LABEL = "openclaw-e2e/provisioner";

interface Claim {
  metadata: { name: string; namespace: string; uid: string; deletionTimestamp?: string };
  spec: { storageClassName?: string; volumeName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

interface Volume {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { local?: { path: string } };
  status?: { phase?: string };
}

export interface VolumeProvisioner {
  /** Folders of the volumes it made, by `namespace/claim`. */
  readonly folders: ReadonlyMap<string, string>;
  /** One pass now (tests call it to not wait for the next poll). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

/** The StorageClass, the default of the cluster. */
export function storageClass(): unknown {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: PROVISIONER,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  };
}

/** The PersistentVolume for a claim: a `local` volume on `nodeName`, pre-bound to the claim's uid. */
export function volumeFor(claim: Claim, path: string, nodeName: string): unknown {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name: `pvc-${claim.metadata.uid}`,
      labels: { [MANAGED_LABEL]: "local" },
      annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER },
    },
    spec: {
      capacity: { storage: claim.spec.resources?.requests?.storage ?? "1Gi" },
      accessModes: claim.spec.accessModes ?? ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: STORAGE_CLASS,
      volumeMode: "Filesystem",
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
      },
      local: { path },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [nodeName] }] }] },
      },
    },
  };
}

export async function startVolumeProvisioner(options: {
  plane: ControlPlane;
  nodeName: string;
  dir: string;
  intervalMs?: number;
}): Promise<VolumeProvisioner> {
  const { plane, nodeName } = options;
  const root = join(options.dir, "volumes");
  mkdirSync(root, { recursive: true, mode: 0o755 });
  // The cluster's default class from now on: the program's claims name no class, as on a user's cluster.
  for (const other of (await plane.kubectl(["get", "storageclass", "-o", "name"]))
    .split("\n")
    .filter((n) => n !== "" && n !== `storageclass.storage.k8s.io/${STORAGE_CLASS}`))
    await plane.kubectl(["annotate", other, "storageclass.kubernetes.io/is-default-class=false", "--overwrite"]);
  await plane.kubectl(["apply", "-f", "-"], { input: JSON.stringify(storageClass()) });
  const folders = new Map<string, string>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const pass = async () => {
    const claims = (JSON.parse(await plane.kubectl(["get", "pvc", "--all-namespaces", "-o", "json"])) as { items: Claim[] }).items;
    for (const claim of claims) {
      if (
        claim.spec.storageClassName !== STORAGE_CLASS ||
        claim.status?.phase !== "Pending" ||
        claim.spec.volumeName ||
        claim.metadata.deletionTimestamp
      )
        continue;
      const path = join(root, `${claim.metadata.namespace}-${claim.metadata.name}-${claim.metadata.uid.slice(0, 8)}`);
      mkdirSync(path, { recursive: true, mode: 0o755 });
      await plane.kubectl(["apply", "-f", "-"], { input: JSON.stringify(volumeFor(claim, path, nodeName)) });
      folders.set(`${claim.metadata.namespace}/${claim.metadata.name}`, path);
    }
    const volumes = (JSON.parse(await plane.kubectl(["get", "pv", "-l", MANAGED_LABEL, "-o", "json"])) as { items: Volume[] }).items;
    for (const volume of volumes) {
      if (volume.status?.phase !== "Released" && volume.status?.phase !== "Failed") continue;
      await plane.kubectl(["delete", "pv", volume.metadata.name, "--wait=false", "--ignore-not-found"]);
      if (volume.spec.local?.path.startsWith(`${root}/`)) rmSync(volume.spec.local.path, { recursive: true, force: true });
      for (const [key, path] of folders) if (path === volume.spec.local?.path) folders.delete(key);
    }
  };
  const reconcile = () => {
    running = running.then(pass, pass);
    return running;
  };
  const loop = async () => {
    while (!stopped) {
      await reconcile().catch((error: Error) => process.stderr.write(`volume provisioner: ${error.message}\n`));
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
    }
  };
  const looping = loop();
  return {
    folders,
    reconcile,
    stop: async () => {
      stopped = true;
      await looping;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
