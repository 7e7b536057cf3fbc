// GNU parallel's side of the CLI benchmark: one process per input line, running the same function as tiny.mjs.
import tiny from './tiny.mjs';

process.stdout.write(`${JSON.stringify(tiny(JSON.parse(process.argv[2])))}\n`);
