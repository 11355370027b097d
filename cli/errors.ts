/** Exit codes of the fleet CLI; the data ones mirror the backup engine's (docs/backups.md). */
export const EXIT = {
  ok: 0,
  /** `backups status`: an instance is stale. `doctor`: a check failed. `backup now`: the Job failed. */
  unhealthy: 1,
  usage: 2,
  store: 3,
  notFound: 4,
  verification: 5,
} as const;

/** An error the CLI reports as one clear line (no stack trace) with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
