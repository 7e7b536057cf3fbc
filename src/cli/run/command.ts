/** The `run` subcommand's flags (commander): parsed and checked into RunOptions, then handed to run(). */
import { Command, Option } from 'commander';
import { MAX_WORKERS } from '../../pool/options.js';
import { MAX_DELAY } from '../../util/validate.js';
import { integer } from '../flags.js';
import type { RunOptions } from './run.js';

/** `workforce run …`; `action` gets the parsed options. */
export function runCommand(action: (options: RunOptions) => Promise<void>): Command {
  return new Command('run')
    .description('call a worker module once per line of a JSON Lines input, in parallel, and write the results as JSON Lines')
    .argument('<module>', "the worker module (.js .mjs .cjs .ts); its default export is called with each line's JSON value")
    .option('-m, --method <name>', 'call this named export instead of the default export')
    .option('-i, --input <file>', 'JSON Lines input, one task argument a line ("-": stdin)', '-')
    .option('-o, --output <file>', 'JSON Lines results, one line per succeeded input ("-": stdout)', '-')
    .addOption(new Option('-r, --runtime <runtime>', 'run tasks on worker threads or child processes').choices(['thread', 'process']).default('thread'))
    .option('-w, --workers <n>', 'workers in the pool (default: the CPU count)', integer('--workers', 1, MAX_WORKERS))
    .option('-c, --concurrency <n>', 'tasks one worker runs at once (for async work)', integer('--concurrency', 1), 1)
    .option('-t, --timeout <ms>', 'fail a task that runs longer than this (its worker is replaced)', integer('--timeout', 1, MAX_DELAY))
    .option('--max-retries <n>', 'times a task is retried after its worker died (default 3)', integer('--max-retries', 0))
    .option('--serializer <name>', 'how tasks travel to workers: structured (default), json, cbor, or a Serializer module path')
    .option('--ordered', 'write results in input order (a bounded reorder buffer; unordered is faster)')
    .option('--spread', 'each line is a JSON array: the argument list of the call')
    .option('--with-input', 'write {"line":n,"input":…,"output":…} instead of the bare result')
    .option('-e, --errors <file>', 'write the error lines {"line":n,"input":…,"error":{…}} here instead of to stderr')
    .option('--fail-fast', 'stop reading at the first failed line (running tasks finish)')
    .option('--resume', 'keep a journal next to --output; a rerun skips the lines already in the output')
    .option('-q, --quiet', 'no progress bar and no summary line')
    .showSuggestionAfterError()
    .action(async (module: string, flags: Omit<RunOptions, 'module'>) => {
      const { ordered, spread, withInput, failFast, resume, quiet } = flags;
      await action({
        ...flags,
        module,
        // a flag not given is undefined to commander; false here (the --resume journal compares them)
        ...{ ordered: !!ordered, spread: !!spread, withInput: !!withInput, failFast: !!failFast, resume: !!resume, quiet: !!quiet },
      });
    });
}
