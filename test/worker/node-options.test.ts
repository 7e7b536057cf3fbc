// Flag grouping (src/worker/runtime-entry.ts, src/worker/node-options.ts) on its own: a node flag and
// the value given as its next argument stay together, so the flags a worker must not inherit
// (debugger, test runner) go with their values; NODE_OPTIONS is split as node splits it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workerEnv } from '../../src/worker/node-options.js';
import { childExecArgv, forChild, optionGroups, withoutEntry } from '../../src/worker/runtime-entry.js';

const same = (arg: string) => arg;

describe('optionGroups', () => {
  it('a flag without `=` takes the next argument when that is not a flag', () => {
    assert.deepEqual(optionGroups(['--test-name-pattern', 'foo', '--import', 'tsx', '--no-warnings'], same), [
      ['--test-name-pattern', 'foo'],
      ['--import', 'tsx'],
      ['--no-warnings'],
    ]);
  });

  it('a flag with `=` or followed by a flag stands alone; a value takes no second value', () => {
    assert.deepEqual(optionGroups(['--inspect=9229', 'x', '--a', '--b', 'y', 'z'], same), [['--inspect=9229'], ['x'], ['--a'], ['--b', 'y'], ['z']]);
    assert.deepEqual(optionGroups([], same), []);
  });

  it('reads each item through `text` and returns the items themselves', () => {
    const items = [{ v: '--stack-size' }, { v: '2000' }];
    const groups = optionGroups(items, (item) => item.v);
    assert.equal(groups[0][0], items[0]);
    assert.equal(groups[0][1], items[1]);
  });
});

describe('childExecArgv', () => {
  it('drops debugger and test-runner flags with their values, keeps the rest in order', () => {
    const argv = ['--import', 'tsx', '--inspect-port', '9230', '--test', '--test-reporter', 'spec', '--max-old-space-size=64', '--debug-port=1'];
    assert.deepEqual(childExecArgv(argv), ['--import', 'tsx', '--max-old-space-size=64']);
    assert.deepEqual(forChild(['--inspect-brk']), false);
    assert.deepEqual(forChild(['--enable-source-maps']), true);
  });

  it('drops what a `node -e` / `node -p` parent runs, with its code (a child would run that code instead of the runtime)', () => {
    assert.deepEqual(childExecArgv(['-e', 'run()', '--no-warnings']), ['--no-warnings']);
    assert.deepEqual(
      childExecArgv(['--no-warnings', '--eval', '-1', '--max-old-space-size=64']),
      ['--no-warnings', '--max-old-space-size=64'],
      'code that starts with a dash',
    );
    assert.deepEqual(childExecArgv(['-p', 'x', '--eval=y', '--print=z', '-pe', 'w', '-i', '--check', '--enable-source-maps']), ['--enable-source-maps']);
    assert.deepEqual(withoutEntry(['--import', 'tsx', '-e', 'code']), ['--import', 'tsx']);
    assert.deepEqual(withoutEntry(['--experimental-vm-modules', '--env-file=.env']), ['--experimental-vm-modules', '--env-file=.env'], 'lookalikes stay');
  });

  it('a parent under a debugger gives the child a port of its own (--inspect=0) only when asked', () => {
    assert.deepEqual(childExecArgv(['--inspect=9229', '--no-warnings'], true), ['--no-warnings', '--inspect=0']);
    assert.deepEqual(childExecArgv(['--inspect=9229', '--no-warnings'], false), ['--no-warnings']);
    assert.deepEqual(childExecArgv(['--no-warnings'], true), ['--no-warnings'], 'no debugger: no --inspect=0');
  });
});

describe('workerEnv', () => {
  it('an environment whose NODE_OPTIONS has no debugger flag is returned as it is', () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=64 --enable-source-maps', HOME: '/h' };
    assert.equal(workerEnv(env, true), env);
    const none = { HOME: '/h' };
    assert.equal(workerEnv(none, true), none);
  });

  it('takes debugger flags (and a value given apart) out of NODE_OPTIONS, keeps quoting, adds --inspect=0 when asked', () => {
    const env = { NODE_OPTIONS: '--inspect-port 9229 --require "/a b/x.js" --inspect --title="my app"', HOME: '/h' };
    assert.deepEqual(workerEnv(env, false), { NODE_OPTIONS: '--require "/a b/x.js" --title="my app"', HOME: '/h' });
    assert.deepEqual(workerEnv(env, true), { NODE_OPTIONS: '--require "/a b/x.js" --title="my app" --inspect=0', HOME: '/h' });
    assert.equal(env.NODE_OPTIONS, '--inspect-port 9229 --require "/a b/x.js" --inspect --title="my app"', 'the given env is not changed');
  });
});
