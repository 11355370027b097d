/**
 * Rollout waves as the Pulumi engine understands them: each instance's
 * StatefulSet depends on every StatefulSet of the wave before it. Pulumi does
 * not register a resource before its dependencies' steps are done, so a wave's
 * updates (and their pre-update hooks: stop, back up) start only once the
 * previous wave is updated and Ready again, and a failure in one wave stops
 * the waves after it. On deletion the order reverses, so pre-delete backups
 * run a wave at a time as well.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { InstanceKey } from "../builders/rollout/waves";

interface Deferred {
  readonly promise: Promise<pulumi.Resource[]>;
  resolve(resources: pulumi.Resource[]): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: (resources: pulumi.Resource[]) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<pulumi.Resource[]>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits yet must not end the program; the dependent awaits it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class RolloutOrder {
  private readonly waveOf = new Map<InstanceKey, number>();
  private readonly members: pulumi.Resource[][];
  private readonly done: Deferred[];

  constructor(private readonly waves: readonly (readonly InstanceKey[])[]) {
    waves.forEach((wave, index) => wave.forEach((key) => this.waveOf.set(key, index)));
    this.members = waves.map(() => []);
    this.done = waves.map(() => deferred());
  }

  /** A wave with its recorded workloads and its release; the three arrays share their indexes. */
  private slot(index: number): { wave: readonly InstanceKey[]; members: pulumi.Resource[]; done: Deferred } {
    const wave = this.waves[index];
    const members = this.members[index];
    const done = this.done[index];
    if (wave === undefined || members === undefined || done === undefined) throw new Error(`there is no rollout wave ${index + 1}`);
    return { wave, members, done };
  }

  /** Zero-based wave of an instance. */
  wave(key: InstanceKey): number {
    const index = this.waveOf.get(key);
    if (index === undefined) throw new Error(`${key} is in no rollout wave`);
    return index;
  }

  /** The workloads this instance's workload must wait for: those of the wave before its own (none for the first). */
  after(key: InstanceKey): Promise<pulumi.Resource[]> {
    const index = this.wave(key);
    return index === 0 ? Promise.resolve([]) : this.slot(index - 1).done.promise;
  }

  /** Records an instance's workload; a wave's dependents are released once all of it is recorded. */
  add(key: InstanceKey, workload: pulumi.Resource): void {
    const index = this.wave(key);
    const { wave, members, done } = this.slot(index);
    members.push(workload);
    if (members.length === wave.length) done.resolve([...members]);
  }

  /** Call once every instance was built: a wave left incomplete would hold its dependents forever. */
  seal(): void {
    this.waves.forEach((wave, index) => {
      const { members, done } = this.slot(index);
      if (members.length !== wave.length) {
        done.reject(
          new Error(`rollout wave ${index + 1} has ${members.length} of its ${wave.length} workloads: an instance was not built`),
        );
      }
    });
  }
}
