'use strict';
// The three benchmark tasks, shared by every library's worker module (plain JS: workers run
// without tsx, as they would in production).
const { threadId } = require('node:worker_threads');

/** Identifies the worker (thread id, or pid in a child process): lets a pool prove every worker answered. */
const ID = threadId || process.pid;

/** No work: a constant reply. */
function noop() {
  return ID;
}

/** Receives an ArrayBuffer or a typed array and replies with its size only. */
function payload(buf) {
  return buf.byteLength;
}

/** A fixed amount of CPU work (an LCG over `iterations` steps); the caller calibrates iterations to ms. */
function spin(iterations) {
  let x = 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

module.exports = { ID, noop, payload, spin };
