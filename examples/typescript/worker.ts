// A worker module written in TypeScript: the pool loads the .ts file itself (no build step).
// Its types are imported by the main file (index.ts) with `import type`, so the calls are typed.
import { workerContext } from 'workforcejs/worker';

/** What the default export returns for one text. */
export interface TextStats {
  words: number;
  longest: string;
  /** The worker that counted it: a thread's or process's id. */
  workerId: number | string;
}

/** The default export: `pool.run(text)` calls it. */
export default function countWords(text: string): TextStats {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  return { words: words.length, longest, workerId: workerContext.workerId };
}

/** A named export: `pool.runMethod('shout', text)` calls it. */
export function shout(text: string): string {
  return `${text.toUpperCase()}!`;
}
