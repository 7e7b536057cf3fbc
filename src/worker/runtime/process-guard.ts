import { encodeFatal } from '../protocol.js';

/**
 * What a process worker does besides its runtime: it never outlives its parent, and it reports
 * what kills it. 'disconnect' needs the event loop; a parent that dies while a task blocks it is
 * caught by its reaper (util/reaper.ts).
 */
export function guardProcessWorker(): void {
  process.once('disconnect', () => process.exit(0));
  // Report what killed the process before it dies, so the pool can say why.
  process.on('uncaughtException', (error) => {
    try {
      process.send?.(encodeFatal(error), () => process.exit(1));
    } catch {
      process.exit(1);
    }
    setTimeout(() => process.exit(1), 1000).unref();
  });
}
