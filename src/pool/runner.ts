/** The calls a local module pool (`createPool`) and a remote pool (`workforcejs/bullmq`) both answer, so application code can take either. */

/** Options of `Runner.addTask`: the method to call and the per-call task options. */
export interface RunnerTaskOptions {
  /** Named export to call (default: the default export). */
  method?: string;
  signal?: AbortSignal;
}

/** What both a local pool (`createPool`) and a remote one (`createRemotePool` in `workforcejs/bullmq`) answer: code written against Runner takes either. */
export interface Runner {
  /** Calls the module's default export with `args`. */
  run<R = unknown>(...args: unknown[]): Promise<R>;
  /** Calls the named export `method` with `args`. */
  runMethod<R = unknown>(method: string, ...args: unknown[]): Promise<R>;
  /** One-argument form: the entry point is called as `fn(arg, ctx)`. */
  addTask<R = unknown>(arg: unknown, options?: RunnerTaskOptions | null): Promise<R>;
  /** Lets accepted calls finish, then releases every resource. */
  close(): Promise<void>;
}
