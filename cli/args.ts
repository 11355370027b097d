import { CliError } from "./errors";

export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/**
 * `--name value`, `--name=value` and boolean `--name`. Which flags take a
 * value is declared, so `--json backups list` cannot swallow a word.
 */
export function parseArgs(argv: readonly string[], valued: ReadonlySet<string>, booleans: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) break;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" && booleans.has("help")) {
      flags.set("help", true);
      continue;
    }
    if (/^-[A-Za-z]/.test(arg) && !arg.startsWith("--")) throw new CliError(`unknown option ${arg} (see --help)`);
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (valued.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new CliError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (booleans.has(name)) {
      if (eq >= 0) throw new CliError(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      throw new CliError(`unknown option --${name} (see --help)`);
    }
  }
  return { positional, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}
