// Type tests of typed pools (compiled with tsc by test/api/typed-pools.test.ts, never run). Every
// `@ts-expect-error` line must be an error: if typing were loose (results `unknown`, any method
// name accepted) tsc would report the directive as unused and the test would fail.
import { createPool, type Runner, type WorkerExit } from 'workforcejs';
import { createRemotePool } from 'workforcejs/bullmq';

const pool = createPool<typeof import('./worker.js')>({ module: new URL('./worker.js', import.meta.url) });

export async function typed(): Promise<void> {
  // run: the default export's parameters and awaited result
  const sum: number = await pool.run(1, 2);
  // @ts-expect-error the result is a number, not a string
  const wrongResult: string = await pool.run(1, 2);
  // @ts-expect-error a wrong argument type
  await pool.run('1', 2);
  // @ts-expect-error a missing argument
  await pool.run(1);

  // runMethod: named exports only, by their parameters and awaited results
  const hello: string = await pool.runMethod('greet', 'ada');
  await pool.runMethod('greet', 'ada', true);
  // @ts-expect-error a misspelled method name
  await pool.runMethod('gret', 'ada');
  // @ts-expect-error an export that is not a function
  await pool.runMethod('notAFunction');
  // @ts-expect-error the default export is run(), not a method (runMethod('default') is a MethodNotFoundError)
  await pool.runMethod('default', 1, 2);
  // @ts-expect-error a wrong argument type
  await pool.runMethod('greet', 42);
  // @ts-expect-error the result is a string (the promise is awaited), not a number
  const wrongMethodResult: number = await pool.runMethod('greet', 'ada');

  // broadcasts are typed the same way
  const [shouted] = await pool.broadcastMethod('shout', 'hey');
  const first: string | undefined = shouted[0];
  const [sums] = await pool.broadcast(1, 2);
  // @ts-expect-error broadcast results are numbers
  const wrongSums: string[] = sums;

  // events: typed payloads
  pool.on('exit', (worker, code, signal, exit) => {
    const id: number | string = worker.id;
    const planned: boolean = exit.planned;
    const c: number | null = code;
    const s: string | null = signal;
    void [id, planned, c, s];
  });
  // @ts-expect-error exit.planned is a boolean
  pool.on('exit', (_worker, _code, _signal, exit) => exit.planned.toUpperCase());
  pool.on('error', (_worker, error) => void error);
  pool.onMessage<{ done: number }>('progress', (content, workerId) => {
    const done: number = content.done;
    void [done, workerId];
  });
  // addTask: one argument (the function's first parameter) and options; `method` picks the export
  const surface: number = await pool.addTask({ width: 2, height: 3 }, { method: 'area', timeout: 1000 });
  // @ts-expect-error area takes { width, height }
  await pool.addTask({ width: 2 }, { method: 'area' });
  // @ts-expect-error area resolves to a number
  const wrongSurface: string = await pool.addTask({ width: 2, height: 3 }, { method: 'area' });
  // @ts-expect-error a misspelled method name
  await pool.addTask({ width: 2, height: 3 }, { method: 'aera' });
  const viaEntry: number = await pool.addTask(1, { timeout: 5 });
  // @ts-expect-error the default export's first parameter is a number
  await pool.addTask('1');
  // runWith: options first, then the arguments of the default export or of `method`
  const greeted: string = await pool.runWith({ method: 'greet', timeout: 100 }, 'ada', true);
  const added: number = await pool.runWith(null, 1, 2);
  // @ts-expect-error greet takes a string
  await pool.runWith({ method: 'greet' }, 42);
  // @ts-expect-error the default export takes two numbers
  await pool.runWith({ timeout: 5 }, 1, '2');
  // @ts-expect-error a method name known only at run time is for untyped pools
  await pool.runWith({ method: String('greet') }, 'ada');
  const exitInfo: WorkerExit = { planned: true, terminated: false };
  void [sum, wrongResult, hello, wrongMethodResult, first, wrongSums, exitInfo, surface, wrongSurface, viaEntry, greeted, added];
}

export async function untyped(): Promise<void> {
  // no type argument: exactly as before — unknown[] arguments, unknown results or the R given
  const plain = createPool({ module: new URL('./worker.js', import.meta.url) });
  const anything: unknown = await plain.run(1, 'x', {});
  const n: number = await plain.run<number>(1);
  const who = await plain.runMethod<{ id: number }>('anyName', 1, 2, 3);
  const id: number = who.id;
  // as before, R is also inferred from where the result goes
  const inferred: number = await plain.run(1);
  const [ok] = await plain.broadcastMethod<string>('whatever');
  const s: string | undefined = ok[0];
  plain.on('exit', (...args: unknown[]) => void args);
  const runner: Runner = plain;
  // addTask / runWith as before: any argument, any method name (also one known only at run time), R as given
  const options: { method?: string; timeout?: number } = { method: String('any'), timeout: 5 };
  const t: number = await plain.addTask<number>({ any: 'thing' }, options);
  const u: string = await plain.addTask<string>(1, { method: 'x' });
  const v: unknown = await plain.addTask(1);
  const w: number[] = await plain.runWith<number[]>(options, 1, 'two', {});
  const x: boolean = await plain.runWith<boolean>(null);
  void [anything, n, id, inferred, s, runner, t, u, v, w, x];
}

export async function remote(): Promise<void> {
  // a remote pool is typed the same way by the module its consumers run
  const typed = createRemotePool<typeof import('./worker.js')>({ queue: 'q', connection: 'redis://127.0.0.1:6379' });
  const sum: number = await typed.run(1, 2);
  // @ts-expect-error a wrong argument type
  await typed.run('1', 2);
  const hello: string = await typed.runMethod('greet', 'ada');
  // @ts-expect-error a misspelled method name
  await typed.runMethod('gret', 'ada');
  // @ts-expect-error greet resolves to a string
  const wrong: number = await typed.runMethod('greet', 'ada');
  const surface: number = await typed.addTask({ width: 2, height: 3 }, { method: 'area', timeout: 100 });
  // @ts-expect-error area takes { width, height }
  await typed.addTask({ width: 2 }, { method: 'area' });
  // untyped: as before, and either kind of pool is a Runner
  const untyped = createRemotePool({ queue: 'q', connection: 'redis://127.0.0.1:6379' });
  const n: number = await untyped.run<number>(1, 'x');
  const m: string = await untyped.addTask<string>(1, { method: String('any') });
  const runners: Runner[] = [untyped, createPool({ module: new URL('./worker.js', import.meta.url) })];
  void [sum, hello, wrong, surface, n, m, runners];
}
