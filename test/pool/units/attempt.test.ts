// Unit test of Attempt's cancel (src/pool/attempt.ts): a cancellable call's signal is made only when a worker asks for it, and onCancel is the cheaper way to hear the same thing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Attempt } from '../../../src/pool/attempt.js';
import type { Dispatcher } from '../../../src/pool/dispatch.js';
import { task, worker } from './handles.js';

const attempt = () => new Attempt(undefined as unknown as Dispatcher<number, number>, task(), worker(1), 0);

describe('Attempt cancel', () => {
  it('a call that cannot be cancelled has no signal, and cancel and onCancel do nothing', () => {
    const a = attempt();
    let heard = 0;
    a.onCancel(() => heard++);
    a.cancel('why');
    assert.equal(a.signal, undefined);
    assert.equal(heard, 0);
  });

  it('cancel fires the signal asked for before, and tells the onCancel listener once', () => {
    const a = attempt();
    a.makeCancellable();
    const signal = a.signal;
    assert.ok(signal && !signal.aborted);
    assert.equal(a.signal, signal, 'one signal per attempt');
    const heard: string[] = [];
    signal.addEventListener('abort', () => heard.push(`signal ${signal.reason}`));
    a.onCancel(() => heard.push('listener'));
    a.cancel('timed out');
    a.cancel('again');
    assert.deepEqual(heard, ['signal timed out', 'listener']);
  });

  it('a signal or listener asked for after the cancel is already aborted / runs at once', () => {
    const a = attempt();
    a.makeCancellable();
    a.cancel('aborted');
    assert.equal(a.signal?.aborted, true);
    assert.equal(a.signal?.reason, 'aborted');
    let heard = 0;
    a.onCancel(() => heard++);
    assert.equal(heard, 1);
  });

  it('no AbortController is made for a cancellable call whose worker only listens with onCancel', () => {
    const a = attempt();
    a.makeCancellable();
    const made = globalThis.AbortController;
    let count = 0;
    globalThis.AbortController = class extends made {
      constructor() {
        super();
        count++;
      }
    };
    try {
      let heard = 0;
      a.onCancel(() => heard++);
      a.cancel('aborted');
      assert.equal(heard, 1);
      assert.equal(count, 0);
    } finally {
      globalThis.AbortController = made;
    }
  });
});
