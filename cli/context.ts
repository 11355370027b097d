import type { Clock, LifecycleKube } from "../components/lifecycle-hooks/kube";
import type { Output } from "./output";
import type { LoadedStack } from "./stack";
import type { Store } from "./store";

/** What every command gets: the stack, lazily opened store and cluster, where to write, and the time. */
export interface Context {
  readonly stack: LoadedStack;
  store(): Promise<Store>;
  kube(): LifecycleKube;
  readonly clock: Clock;
  readonly out: Output;
  readonly json: boolean;
  /** Evaluate ages and next runs as of this time (epoch ms). */
  readonly now: number;
}
