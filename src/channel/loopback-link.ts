import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { Link } from './link.js';

type ExitListener = (exitCode: number | null, signal: string | null, cause?: unknown) => void;

/**
 * Two ends of a link inside one thread (the inline runtime and 'main' affinity): messages are
 * delivered on the microtask queue, by reference (no clone), so non-serializable values pass.
 */
export function loopbackPair(): [parent: Link, child: Link] {
  let alive = true;
  const exits: ExitListener[] = [];
  const die = (code: number | null) => {
    if (!alive) return;
    alive = false;
    for (const listener of exits.splice(0)) listener(code, null);
  };
  const end = (): Link & { deliver(message: unknown): void; peer?: Link & { deliver(message: unknown): void } } => {
    const listeners: ((message: unknown) => void)[] = [];
    const self = {
      kind: 'loopback' as const,
      get alive() {
        return alive;
      },
      peer: undefined as (Link & { deliver(message: unknown): void }) | undefined,
      deliver(message: unknown) {
        for (const listener of listeners) listener(message);
      },
      send(message: unknown) {
        if (!alive) throw new ChannelClosedError('The inline worker has ended');
        const peer = self.peer;
        queueMicrotask(() => {
          if (alive) peer?.deliver(message);
        });
      },
      onMessage(listener: (message: unknown) => void) {
        listeners.push(listener);
      },
      onExit(listener: ExitListener) {
        exits.push(listener);
      },
      kill() {
        die(null);
      },
    };
    return self;
  };
  const parent = end();
  const child = end();
  parent.peer = child;
  child.peer = parent;
  child.kill = () => die(0);
  return [parent, child];
}
