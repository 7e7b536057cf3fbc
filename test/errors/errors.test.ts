// Every error class where it is defined (src/errors/): its name, stable code, message, the fields a
// user checks, instanceof, and the trip across a thread or process (serializeError on one side,
// deserializeError with the sender's classes on the other).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputLineError } from '../../src/errors/bad-input-line-error.js';
import * as errors from '../../src/errors/index.js';
import {
  CallMaxRetryError,
  ChannelClosedError,
  deserializeError,
  InvalidOptionError,
  MethodNotFoundError,
  MissingDependencyError,
  ModuleLoadError,
  PoolClosedError,
  QueueFullError,
  SerializationError,
  StartTimeoutError,
  serializeError,
  TaskAbortedError,
  TimeoutError,
  WorkerCrashError,
  WorkforceError,
} from '../../src/errors/index.js';
import { JobRemovedError } from '../../src/errors/job-removed-error.js';
import { JournalMismatchError } from '../../src/errors/journal-mismatch-error.js';

/** One of each class, built as the library builds it. */
const SAMPLES: readonly WorkforceError[] = [
  new WorkforceError('base'),
  new CallMaxRetryError(new TypeError('bad'), 4, 7),
  new ChannelClosedError(),
  new InvalidOptionError('maxWorkers', -1, 'an integer ≥ 1'),
  new MethodNotFoundError('nope', '/m.mjs'),
  new ModuleLoadError('cannot load', '/m.mjs'),
  new PoolClosedError(),
  new QueueFullError(10),
  new SerializationError('no', { frame: 'RESULT' }),
  new StartTimeoutError('late', 200, '/m.mjs'),
  new MissingDependencyError('install tsx', 'tsx', '/m.ts'),
  new TaskAbortedError('stop'),
  new TimeoutError(50, 3),
  new WorkerCrashError('gone', { workerId: 2, exitCode: 1, signal: null, pid: 1234 }),
  new BadInputLineError(3, 'not JSON'),
  new JobRemovedError('17', 'jobs'),
  new JournalMismatchError('/j.journal', 'another input'),
];

/** The error classes of the errors entry (src/errors/index.ts), by name. */
const CLASSES = Object.entries(errors).filter(
  (entry): entry is [string, typeof WorkforceError] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
);

describe('every error class', () => {
  it('is a WorkforceError and an Error, named as its class, with its own ERR_WORKFORCE code', () => {
    const codes = new Map<string, string>();
    for (const error of SAMPLES) {
      const name = error.constructor.name;
      assert.ok(error instanceof WorkforceError && error instanceof Error, name);
      assert.equal(error.name, name, `${name}.name`);
      assert.match(error.code, /^ERR_WORKFORCE(_[A-Z_]+)?$/, `${name}.code`);
      assert.equal(codes.get(error.code), undefined, `${name} shares its code with ${codes.get(error.code)}`);
      codes.set(error.code, name);
      assert.ok(error.message.length > 0, `${name} has a message`);
      assert.match(String(error), new RegExp(`^${name}: `), 'toString shows the name');
      assert.match(error.stack ?? '', new RegExp(`^${name}: `), 'the stack starts with the name');
    }
  });

  it('the samples cover every class the errors entry exports', () => {
    const sampled = new Set(SAMPLES.map((e) => e.constructor));
    for (const [name, cls] of CLASSES) assert.ok(sampled.has(cls), `no sample of ${name}`);
  });

  it('crosses the wire as itself when the sender vouches for its classes: class, name, code, fields, message', () => {
    const classes = [...CLASSES.map(([, cls]) => cls), BadInputLineError, JobRemovedError, JournalMismatchError];
    for (const error of SAMPLES) {
      const back = deserializeError(structuredClone(serializeError(error)), classes);
      const name = error.constructor.name;
      assert.equal(Object.getPrototypeOf(back), Object.getPrototypeOf(error), `${name} keeps its class`);
      assert.equal(back.name, error.name);
      assert.equal(back.message, error.message);
      assert.equal(back.stack, error.stack);
      assert.equal((back as WorkforceError).code, error.code);
      if (error.cause instanceof Error) assert.equal((back.cause as Error | undefined)?.message, error.cause.message, `${name}.cause`);
      for (const key of Object.keys(error)) {
        const value = (error as unknown as Record<string, unknown>)[key];
        // an Error in a field (CallMaxRetryError.reason) crosses as the cause, checked above
        if (key === 'cause' || value instanceof Error) continue;
        assert.deepEqual((back as unknown as Record<string, unknown>)[key], (error as unknown as Record<string, unknown>)[key], `${name}.${key}`);
      }
    }
  });

  it('without the vouching it is a plain Error that keeps name, message, code and fields (never an instance of the class)', () => {
    const back = deserializeError(serializeError(new QueueFullError(5)));
    assert.equal(Object.getPrototypeOf(back), Error.prototype);
    assert.equal(back.name, 'QueueFullError');
    assert.equal((back as QueueFullError).code, 'ERR_WORKFORCE_QUEUE_FULL');
    assert.equal((back as QueueFullError).maxConcurrentCalls, 5);
  });
});

describe('fields and messages, class by class', () => {
  it('CallMaxRetryError: the last failure is reason and cause; attempts and taskId in the message', () => {
    const reason = new TypeError('bad');
    const error = new CallMaxRetryError(reason, 4, 7);
    assert.equal(error.reason, reason);
    assert.equal(error.cause, reason);
    assert.equal(error.attempts, 4);
    assert.equal(error.taskId, 7);
    assert.equal(error.message, 'Task #7 failed after 4 attempts: TypeError: bad');
    assert.equal(new CallMaxRetryError('text', 1).message, 'Task failed after 1 attempts: text');
  });

  it('ChannelClosedError and PoolClosedError: a default message, or the one given', () => {
    assert.equal(new ChannelClosedError().message, 'The channel is closed');
    assert.equal(new ChannelClosedError('peer gone').message, 'peer gone');
    assert.equal(new PoolClosedError().message, 'The pool is closed');
    assert.equal(new PoolClosedError('Worker 2 was stopped').message, 'Worker 2 was stopped');
  });

  it('InvalidOptionError: option, value and what was expected; unknown() names the nearest valid option', () => {
    const error = new InvalidOptionError('maxWorkers', 'two', 'an integer ≥ 1');
    assert.equal(error.option, 'maxWorkers');
    assert.equal(error.value, 'two');
    assert.equal(error.suggestion, undefined);
    assert.equal(error.message, 'Invalid option "maxWorkers": expected an integer ≥ 1, got "two"');
    assert.match(new InvalidOptionError('o', { a: 1 }, 'x').message, /got object$/);
    assert.match(new InvalidOptionError('o', undefined, 'x').message, /got undefined$/);
    const unknown = InvalidOptionError.unknown('maxWorker', 3, 'createPool', 'maxWorkers');
    assert.equal(unknown.option, 'maxWorker');
    assert.equal(unknown.suggestion, 'maxWorkers');
    assert.equal(unknown.message, "Unknown option 'maxWorker' of createPool — did you mean 'maxWorkers'?");
    assert.equal(InvalidOptionError.unknown('zzz', 1, 'WorkPool', undefined).message, "Unknown option 'zzz' of WorkPool");
  });

  it('MethodNotFoundError: the method and the module', () => {
    const error = new MethodNotFoundError('nope', '/m.mjs');
    assert.equal(error.method, 'nope');
    assert.equal(error.modulePath, '/m.mjs');
    assert.equal(error.message, 'Method "nope" is not exported by /m.mjs');
    assert.equal(new MethodNotFoundError('x', undefined, 'is not a function').message, 'Method "x" is not a function by the worker module');
  });

  it("ModuleLoadError: phase 'module' unless told, the module path, the cause", () => {
    const cause = new SyntaxError('bad token');
    const error = new ModuleLoadError('cannot load', '/m.mjs', { cause });
    assert.equal(error.phase, 'module');
    assert.equal(error.modulePath, '/m.mjs');
    assert.equal(error.cause, cause);
    for (const phase of ['hook', 'serializer', 'start', 'pool'] as const) assert.equal(new ModuleLoadError('m', undefined, { phase }).phase, phase);
  });

  it("StartTimeoutError: a ModuleLoadError of phase 'start' with its own code and the timeout", () => {
    const error = new StartTimeoutError('late', 200, '/m.mjs');
    assert.ok(error instanceof ModuleLoadError);
    assert.equal(error.phase, 'start');
    assert.equal(error.timeout, 200);
    assert.equal(error.modulePath, '/m.mjs');
    assert.equal(error.code, 'ERR_WORKFORCE_START_TIMEOUT');
    assert.notEqual(error.code, new ModuleLoadError('m').code);
  });

  it("MissingDependencyError: a ModuleLoadError of phase 'module' naming the package to install", () => {
    const cause = new Error('Cannot find package');
    const error = new MissingDependencyError('install tsx', 'tsx', '/m.ts', { cause });
    assert.ok(error instanceof ModuleLoadError);
    assert.equal(error.phase, 'module');
    assert.equal(error.dependency, 'tsx');
    assert.equal(error.modulePath, '/m.ts');
    assert.equal(error.cause, cause);
    assert.equal(error.code, 'ERR_WORKFORCE_MISSING_DEPENDENCY');
  });

  it('QueueFullError: the bound that was reached', () => {
    const error = new QueueFullError(10);
    assert.equal(error.maxConcurrentCalls, 10);
    assert.match(error.message, /maxConcurrentCalls \(10\)/);
  });

  it('SerializationError: the frame only when one is named, and the cause', () => {
    assert.equal(new SerializationError('no', { frame: 'RESULT' }).frame, 'RESULT');
    const plain = new SerializationError('no');
    assert.equal(plain.frame, undefined);
    assert.equal(Object.hasOwn(plain, 'frame'), false, 'no frame key on the wire either');
    assert.equal(Object.hasOwn(plain, 'cause'), false);
    const cause = new TypeError('could not be cloned');
    assert.equal(new SerializationError('no', { cause }).cause, cause);
  });

  it('TaskAbortedError: the abort reason is reason and cause', () => {
    const error = new TaskAbortedError('stop');
    assert.equal(error.reason, 'stop');
    assert.equal(error.cause, 'stop');
    assert.equal(error.message, 'The task was aborted');
    assert.equal(Object.hasOwn(new TaskAbortedError(), 'cause'), false);
  });

  it('TimeoutError: the timeout and the task', () => {
    const error = new TimeoutError(50, 3);
    assert.equal(error.timeout, 50);
    assert.equal(error.taskId, 3);
    assert.equal(error.message, 'Task #3 timed out after 50 ms');
    assert.equal(new TimeoutError(5).message, 'Task timed out after 5 ms');
  });

  it('WorkerCrashError: worker, exit code, signal, pid and cause; forTask() is the same crash for one task', () => {
    const cause = new RangeError('heap');
    const error = new WorkerCrashError('gone', { workerId: 2, exitCode: null, signal: 'SIGKILL', pid: 1234, cause });
    assert.deepEqual([error.workerId, error.taskId, error.exitCode, error.signal, error.pid, error.cause], [2, undefined, null, 'SIGKILL', 1234, cause]);
    const forTask = error.forTask(9);
    assert.ok(forTask instanceof WorkerCrashError);
    assert.notEqual(forTask, error, 'a copy: each task gets its own error');
    assert.deepEqual([forTask.workerId, forTask.taskId, forTask.exitCode, forTask.signal, forTask.pid, forTask.cause], [2, 9, null, 'SIGKILL', 1234, cause]);
    assert.equal(forTask.message, error.message);
    assert.equal(forTask.stack, error.stack, 'the stack of the crash, not of forTask()');
    assert.equal(error.taskId, undefined, 'the original is unchanged');
  });

  it('BadInputLineError, JobRemovedError, JournalMismatchError: the line, the job and queue, the journal', () => {
    const line = new BadInputLineError(3, 'not JSON');
    assert.equal(line.line, 3);
    assert.equal(line.message, 'Line 3: not JSON');
    const job = new JobRemovedError('17', 'jobs');
    assert.deepEqual([job.jobId, job.queue], ['17', 'jobs']);
    assert.match(job.message, /^Job 17 of queue "jobs" is gone/);
    const journal = new JournalMismatchError('/j.journal', 'another input');
    assert.equal(journal.journalPath, '/j.journal');
    assert.equal(journal.message, 'Cannot resume from /j.journal: another input');
  });
});
