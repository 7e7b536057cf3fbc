import { fork } from 'node:child_process';
import { JSON_FRAMES_ENV } from '../channel/json-frames.js';
import type { Link } from '../channel/link.js';
import { ProcessLink } from '../channel/process-link.js';
import { guardChild } from '../util/child-guard.js';
import { workerEnv } from './node-options.js';
import { childExecArgv, PROCESS_RUNTIME_PATH } from './runtime-entry.js';

/** child_process.fork options of process workers (Workestrator's `fork`). */
export interface ForkOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Default: the parent's execArgv without --inspect/--debug flags. */
  execArgv?: string[];
  execPath?: string;
  silent?: boolean;
  /**
   * The IPC channel's serialization. 'advanced' (the default): Node's V8 serialization for every
   * frame. 'json': a frame JSON carries exactly goes as JSON, any other as V8-serialized bytes in
   * base64, so the same values arrive either way; for small messages it is cheaper per call, has a
   * shorter latency tail and a lighter child, but a large binary value (a Buffer, a typed array)
   * travels as base64 through JSON: a 1 MB Buffer round trip is ~20× slower.
   */
  serialization?: 'json' | 'advanced';
}

/**
 * Connects a module worker to a new forked Node process. However the parent ends, the child does
 * not outlive it: guardChild ends it on the parent's exit or fatal signal, the reaper
 * (util/reaper.ts) when the parent is SIGKILLed, and the child ends itself when its IPC channel
 * disconnects (if its event loop is free to notice).
 */
export function processConnector(options: ForkOptions, extraExecArgv: string[] = []): () => Link {
  const jsonFrames = options.serialization === 'json';
  return () => {
    const env = workerEnv(options.env ?? process.env, true);
    const child = fork(PROCESS_RUNTIME_PATH, options.args ?? [], {
      cwd: options.cwd,
      env: jsonFrames ? { ...env, [JSON_FRAMES_ENV]: '1' } : env,
      execArgv: [...(options.execArgv ?? childExecArgv(process.execArgv, true)), ...extraExecArgv],
      execPath: options.execPath,
      silent: options.silent ?? false,
      serialization: jsonFrames ? 'json' : 'advanced',
    });
    guardChild(child);
    return new ProcessLink(child, { jsonFrames });
  };
}
