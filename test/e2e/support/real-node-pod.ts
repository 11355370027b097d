import { REAL_NODE_LABEL, REAL_NODE_TAINT } from "./node";

/** What differs between the suites' own pods on the real node. */
export interface RealNodePodArgs {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** An image the node already has (imported): nothing is ever pulled. */
  readonly image: string;
  readonly command: readonly string[];
  readonly containerName?: string;
  readonly ports?: readonly unknown[];
  readonly readinessProbe?: unknown;
  readonly volumeMounts?: readonly unknown[];
  readonly volumes?: readonly unknown[];
}

/**
 * A pod of the suite's own (a server, a client, a network probe) on the real node: its label and
 * taint, admitted under Pod Security `restricted` (nobody's uid, read-only root, no capabilities),
 * no API token, and a one-second grace so that deleting it never waits.
 */
export function realNodePod(args: RealNodePodArgs): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
    spec: {
      nodeSelector: { [REAL_NODE_LABEL]: "true" },
      tolerations: [{ key: REAL_NODE_TAINT, operator: "Exists", effect: "NoSchedule" }],
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: args.containerName ?? "main",
          image: args.image,
          imagePullPolicy: "Never",
          command: [...args.command],
          ports: args.ports,
          readinessProbe: args.readinessProbe,
          volumeMounts: args.volumeMounts,
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        },
      ],
      volumes: args.volumes,
    },
  };
}
