import { type ChildProcess, fork } from 'node:child_process';
import { InOrderReplies, stopChildren, unsupported, WORKER_EXEC_ARGV, workerModule } from './common.js';
import type { AdapterSpec } from './types.js';

/**
 * The floor for processes: bare child_process.fork children (default JSON IPC), one send each
 * way per task, pipelined, tasks dealt round-robin.
 */
export const rawFork: AdapterSpec = {
  name: 'raw fork',
  runtime: 'process',
  role: 'raw',
  payloadMode: 'n/a',
  notes: 'bare fork, round-robin, pipelined, JSON IPC',
  create() {
    const children: ChildProcess[] = [];
    const replies: InOrderReplies[] = [];
    let next = 0;
    const call = (task: number, arg?: unknown): Promise<any> => {
      const i = next++ % children.length;
      const reply = replies[i].expect();
      children[i].send([task, arg]);
      return reply;
    };
    return {
      async start(count) {
        for (let i = 0; i < count; i++) {
          const child = fork(workerModule('raw-fork.cjs'), [], { execArgv: WORKER_EXEC_ARGV });
          const inOrder = new InOrderReplies();
          child.on('message', (value) => inOrder.settle(value));
          children.push(child);
          replies.push(inOrder);
        }
      },
      noop: () => call(0),
      payload: () => unsupported('payload'),
      cpu: (iterations) => call(2, iterations),
      close: () => stopChildren(children),
    };
  },
};
