/**
 * What a run shows on stderr: a progress bar (cli-progress) only when stderr is a terminal, and a
 * final summary line also when it is not (unless --quiet). Error lines meant for stderr go
 * through here so they do not tear the bar.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

export interface Tally {
  succeeded: number;
  failed: number;
  /** Lines a --resume journal already had: not run again. */
  skipped: number;
}

export class Progress {
  readonly tally: Tally = { succeeded: 0, failed: 0, skipped: 0 };
  readonly #started = performance.now();
  readonly #multi: cliProgress.MultiBar | undefined;
  #bar: cliProgress.SingleBar | undefined;

  /** `bar`: stderr is a terminal and --quiet is off. */
  constructor(
    private readonly stream: Writable,
    bar: boolean,
    private readonly quiet: boolean,
  ) {
    if (bar)
      this.#multi = new cliProgress.MultiBar(
        { stream: stream as NodeJS.WritableStream, hideCursor: true, fps: 8, etaBuffer: 200, clearOnComplete: false, stopOnComplete: false, autopadding: true },
        cliProgress.Presets.shades_classic,
      );
  }

  /** Starts the bar; `total` (non-blank input lines, skipped included) when the input is a file. */
  start(total: number | undefined): void {
    if (!this.#multi) return;
    const format =
      total === undefined
        ? '{value} done | {rate}/s | {failed} failed | {duration_formatted}'
        : '{bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | {failed} failed';
    this.#bar = this.#multi.create(total ?? 0, this.#done(), this.#payload(), { format });
  }

  /** Lines the journal had: counted as done. */
  skip(): void {
    this.tally.skipped++;
  }

  succeeded(): void {
    this.tally.succeeded++;
    this.#update();
  }

  failed(): void {
    this.tally.failed++;
    this.#update();
  }

  /** A line for stderr (an error record) while the bar may be showing. */
  log(text: string): void {
    if (this.#multi && this.#bar) this.#multi.log(text);
    else this.stream.write(text);
  }

  /** Draws the bar one last time and prints the summary: `interrupted` says the run was cut short. */
  finish(interrupted: boolean): void {
    if (this.#bar && this.#multi) {
      this.#bar.update(this.#done(), this.#payload());
      this.#multi.update(); // writes the logged lines still buffered (stop() does not)
      this.#multi.stop();
      this.#bar = undefined;
    }
    if (this.quiet) return;
    const { succeeded, failed, skipped } = this.tally;
    const seconds = (performance.now() - this.#started) / 1000;
    const parts = [`${succeeded} done`, `${failed} failed`];
    if (skipped > 0) parts.push(`${skipped} skipped (done before: --resume)`);
    parts.push(`${seconds.toFixed(1)} s`, `${this.#rate()}/s`);
    this.stream.write(`workforce run${interrupted ? ' (interrupted)' : ''}: ${parts.join(', ')}\n`);
  }

  #done(): number {
    return this.tally.succeeded + this.tally.failed + this.tally.skipped;
  }

  #rate(): number {
    const ran = this.tally.succeeded + this.tally.failed;
    const seconds = (performance.now() - this.#started) / 1000;
    return seconds > 0 ? Math.round(ran / seconds) : 0;
  }

  #payload(): { rate: number; failed: number } {
    return { rate: this.#rate(), failed: this.tally.failed };
  }

  #update(): void {
    this.#bar?.update(this.#done(), this.#payload());
  }
}
