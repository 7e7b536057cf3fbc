#!/usr/bin/env node
/** The `workforce` executable (package.json "bin"): runs the command line and exits with its code. */
import { main } from './program.js';

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (error) => {
    process.stderr.write(`workforce: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exit(1);
  },
);

/** Exits once stdout and stderr have taken what was written to them (a pipe may still hold some). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
