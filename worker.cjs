'use strict';
// CommonJS entry of 'workforce/worker': the context lives on a global symbol set by the
// worker runtime, so this file and the ESM build speak for the same worker.
const KEY = Symbol.for('workforce.workerContext');
// main-thread workers (inline runtime, 'main' affinity) enter their context per call
const STORE = Symbol.for('workforce.workerContextStore');
function current() {
  const context = globalThis[STORE]?.getStore() ?? globalThis[KEY];
  if (!context) throw new Error('workerContext is only available inside a workforce worker');
  return context;
}
exports.workerContext = {
  get workerId() { return current().workerId; },
  get workerData() { return current().workerData; },
  get signal() { return current().signal; },
  get taskId() { return current().taskId; },
  postMessageToPool: (type, content) => current().postMessageToPool(type, content),
  onMessage: (type, listener) => current().onMessage(type, listener),
  addTask: (arg, options) => current().addTask(arg, options),
};
// ChildChannel lives in the ESM build: loaded on first use (require(esm), Node >= 20.19).
Object.defineProperty(exports, 'ChildChannel', {
  enumerable: true,
  get: () => require('./dist/channel/child-channel.js').ChildChannel,
});
