// A typed worker module (compiled by test/api/typed-pools.test.ts, never run): the pool in
// consumer.ts is typed by these exports.
import type { TaskFunction, WorkerFunction, WorkerHooks } from 'workforcejs/worker';

export default function add(a: number, b: number): number {
  return a + b;
}

export async function greet(name: string, excited?: boolean): Promise<string> {
  return `hello ${name}${excited ? '!' : ''}`;
}

export const shout = ((text: string) => text.toUpperCase()) satisfies WorkerFunction<[string], string>;

export const area: TaskFunction<{ width: number; height: number }, number> = (arg, ctx) => arg.width * arg.height + (ctx.taskId === undefined ? 0 : 0);

export const notAFunction = 42;

export const onWorkerStart: WorkerHooks['onWorkerStart'] = async (ctx) => {
  ctx.postMessageToPool('started', ctx.workerId);
};

// @ts-expect-error a hook gets the worker's context, not a number
export const onWorkerExit: WorkerHooks['onWorkerExit'] = (_ctx: number) => {};
