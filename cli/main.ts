/**
 * openclaw-fleet: the fleet's backups from a terminal, CI or cron.
 *
 *   npm run fleet -- [--stack <name>] [--json] <command>
 *
 * Reads the stack file (stacks/Pulumi.<stack>.yaml) with the program's own
 * config loader, the store through the S3 API, and the cluster through the
 * stack's kubeconfig/context. Secrets never go on a command line.
 */
import { resolve } from "node:path";
import { kubernetesLifecycleApi } from "../components/lifecycle-hooks/client";
import { realClock, type Clock, type LifecycleKube } from "../components/lifecycle-hooks/kube";
import { flag, parseArgs, type ParsedArgs } from "./args";
import { backupNowCommand } from "./backup-now";
import type { Context } from "./context";
import { doctorCommand } from "./doctor";
import { CliError, EXIT } from "./errors";
import { listCommand } from "./list";
import { processOutput, type Output } from "./output";
import { restoreSnippetCommand } from "./restore-snippet";
import { rolloutCommand } from "./rollout";
import { loadStack } from "./stack";
import { statusCommand } from "./status";
import { openStore, type ConfigReader, type OutputReader, type Store } from "./store";
import { verifyCommand } from "./verify";

export const USAGE = `usage: openclaw-fleet [--stack <name>] [--stacks-dir <dir>] [--json] <command>

  backups list [--tenant <t>] [--instance <i>] [--kind <k>]
                               complete snapshots: time, size, file count
  backups verify <snapshot> [--deep]
                               check a snapshot against its manifest without restoring
                               (--deep also downloads and hashes every stored object)
  backups status               per instance: schedule, last snapshot, next run, retention,
                               encryption, healthy/failing/stale; exit 1 if any is stale
  doctor [--no-cluster]        check the store end to end, and each instance's own identity
  backup now <tenant>/<instance> [--timeout <30m>]
                               run a manual backup from the instance's CronJob and wait
  restore-snippet <snapshot> [--into <tenant>/<instance>]
                               print the config lines that restore (or clone) from it
  rollout [--minutes]          the waves a change to many instances goes in, and the longest
                               a pulumi up can take (--minutes: that number alone, for CI)

  <snapshot>: <tenant>/<instance>/<kind>/<time>, <tenant>/<instance>/[<kind>/]latest,
              optionally with the prefix, as \`backups list\` prints it.
  help (or -h, --help)         this text

Options: --stack (or OPENCLAW_FLEET_STACK), --stacks-dir (default: stacks), --json,
         --now <ISO time> (evaluate ages as of then).

Environment:
  OPENCLAW_FLEET_STACK         the stack when --stack is not given
  OPENCLAW_FLEET_S3_ACCESS_KEY_ID, OPENCLAW_FLEET_S3_SECRET_ACCESS_KEY
                               keys for an S3-compatible store; without them the CLI reads the
                               stack's own secrets with \`pulumi config get\` (which reads
                               PULUMI_CONFIG_PASSPHRASE or PULUMI_ACCESS_TOKEN as usual)
  OPENCLAW_FLEET_BUCKET        the bucket of an aws store; else read from \`pulumi stack output\`
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION, …
                               the AWS SDK's usual credential chain (an aws store; with
                               AWS_ACCESS_KEY_ID set, also an S3-compatible one)
  KUBECONFIG                   the kubeconfig, unless the stack sets cluster.kubernetes.kubeconfig

Exit codes: 0 ok, 1 unhealthy (stale, failed check or Job), 2 usage or config, 3 store,
4 not found, 5 verification.`;

const VALUED = new Set(["stack", "stacks-dir", "tenant", "instance", "kind", "into", "timeout", "now"]);
const BOOLEANS = new Set(["json", "deep", "no-cluster", "help", "minutes"]);

/** What the CLI reaches outside the process; tests replace the cluster, the clock and pulumi. */
export interface CliEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly output: Output;
  readonly kube?: LifecycleKube;
  readonly clock?: Clock;
  readonly readConfig?: ConfigReader;
  readonly readOutput?: OutputReader;
}

function expectArgs(args: ParsedArgs, count: number, usage: string): void {
  if (args.positional.length > count) throw new CliError(`unexpected argument "${args.positional[count]}"; usage: ${usage}`);
}

async function dispatch(args: ParsedArgs, ctx: () => Context): Promise<number> {
  const [command, sub, target] = args.positional;
  switch (`${command ?? ""} ${command === "backups" || command === "backup" ? (sub ?? "") : ""}`.trim()) {
    case "backups list":
      expectArgs(args, 2, "backups list [--tenant <t>] [--instance <i>] [--kind <k>]");
      return listCommand(ctx(), { tenant: flag(args, "tenant"), instance: flag(args, "instance"), kind: flag(args, "kind") });
    case "backups verify":
      expectArgs(args, 3, "backups verify <snapshot> [--deep]");
      return verifyCommand(ctx(), target, args.flags.has("deep"));
    case "backups status":
      expectArgs(args, 2, "backups status");
      return statusCommand(ctx());
    case "backup now":
      expectArgs(args, 3, "backup now <tenant>/<instance>");
      return backupNowCommand(ctx(), target, flag(args, "timeout"));
    case "doctor":
      expectArgs(args, 1, "doctor [--no-cluster]");
      return doctorCommand(ctx(), { cluster: !args.flags.has("no-cluster") });
    case "rollout":
      expectArgs(args, 1, "rollout [--minutes]");
      return rolloutCommand(ctx(), args.flags.has("minutes"));
    case "restore-snippet":
      expectArgs(args, 2, "restore-snippet <snapshot> [--into <tenant>/<instance>]");
      return restoreSnippetCommand(ctx(), sub, flag(args, "into"));
    default:
      throw new CliError(`unknown command "${args.positional.join(" ")}"\n${USAGE}`);
  }
}

/** Runs one command line; returns the exit code. Never throws. */
export async function main(
  argv: readonly string[],
  environment: CliEnvironment = { env: process.env, cwd: process.cwd(), output: processOutput },
): Promise<number> {
  const { output } = environment;
  try {
    const args = parseArgs(argv, VALUED, BOOLEANS);
    const help = args.flags.has("help") || args.positional[0] === "help";
    if (help || args.positional.length === 0) {
      output.out(USAGE);
      return help ? EXIT.ok : EXIT.usage;
    }
    const nowText = flag(args, "now");
    const now = nowText === undefined ? (environment.clock ?? realClock).now() : Date.parse(nowText);
    if (Number.isNaN(now)) throw new CliError(`--now "${nowText}" is not a time (e.g. 2026-11-22T04:00:00Z)`);
    let context: Context | undefined;
    const ctx = (): Context => {
      if (context !== undefined) return context;
      const stack = loadStack(
        flag(args, "stack") ?? environment.env.OPENCLAW_FLEET_STACK,
        resolve(environment.cwd, flag(args, "stacks-dir") ?? "stacks"),
      );
      let store: Promise<Store> | undefined;
      let kube = environment.kube;
      const made: Context = {
        stack,
        store: () =>
          (store ??= openStore(stack.model, {
            stack: stack.name,
            env: environment.env,
            readConfig: environment.readConfig,
            readOutput: environment.readOutput,
          })),
        kube: () => {
          if (stack.model.cluster.kubernetes.renderYamlToDirectory !== undefined) {
            throw new CliError(
              `stack "${stack.name}" renders YAML to a directory (cluster.kubernetes.renderYamlToDirectory): it has no cluster to run Jobs in`,
            );
          }
          return (kube ??= kubernetesLifecycleApi(stack.model.cluster.kubernetes));
        },
        clock: environment.clock ?? realClock,
        out: output,
        json: args.flags.has("json"),
        now,
      };
      context = made;
      return made;
    };
    return await dispatch(args, ctx);
  } catch (error) {
    if (error instanceof CliError) {
      output.err(`error: ${error.message}`);
      return error.exitCode;
    }
    output.err(`error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.usage;
  }
}
