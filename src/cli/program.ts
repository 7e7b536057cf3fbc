/**
 * The `workforce` command line: one commander program with a subcommand per job. `run` is built
 * here; a command that parses its own flags (the BullMQ `worker`) is mounted as a passthrough:
 * one entry in PASSTHROUGH below.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { CommandError, ExitCode } from './exit-codes.js';
import { runCommand } from './run/command.js';
import { run } from './run/run.js';

/** A subcommand that takes its arguments as they are and parses them itself. */
export interface Passthrough {
  name: string;
  summary: string;
  /** Gets the arguments after the subcommand's name; resolves with the exit code. */
  main: (argv: string[]) => Promise<number>;
}

/**
 * Subcommands with their own parser. `worker` is loaded only when used: it needs bullmq and
 * ioredis (optional peer dependencies), which `workforce run` must not require.
 */
export const PASSTHROUGH: Passthrough[] = [
  {
    name: 'worker',
    summary: 'serve a BullMQ queue from this machine with a local pool',
    main: async (argv) => (await import('./worker-command.js')).workerCommand(argv),
  },
];

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], passthrough: Passthrough[] = PASSTHROUGH): Promise<number> {
  let code: number = ExitCode.OK;
  const program = new Command('workforce')
    .description('Run a worker module over many inputs in parallel, on worker threads or child processes.')
    .version(version, '-V, --version', 'print the version')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride();
  program.addCommand(
    runCommand(async (options) => {
      code = await run(options);
    }),
  );
  for (const command of passthrough)
    program
      .command(command.name)
      .description(command.summary)
      .helpOption(false) // `workforce worker --help` is the subcommand's own help
      .passThroughOptions()
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) => {
        code = await command.main(args);
      });
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE; // commander printed the message
    if (error instanceof CommandError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
  return code;
}
