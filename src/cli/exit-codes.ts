/** The `workforce` command's exit codes (README "Command line"). */
export const ExitCode = {
  /** Every input line succeeded. */
  OK: 0,
  /** Some lines failed (bad JSON or a task that threw); the rest were written. */
  FAILED: 1,
  /** Bad usage: unknown flag, bad value, missing argument, an input or journal that cannot be used. */
  USAGE: 2,
  /** The worker module (or its --method) cannot be loaded. */
  MODULE: 3,
  /** Stopped by Ctrl-C (SIGINT). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM (as by Ctrl-C: running tasks finish and are written). */
  TERMINATED: 143,
} as const;

/** An error that ends the command with `exitCode` and its message on stderr. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
