'use strict';
// Bare child_process.fork batched reference: one message in (the tick's tasks), one message out (their results, in order).
const { noop, payload, spin } = require('./tasks.cjs');

const tasks = [noop, payload, spin];
process.on('message', (batch) => process.send(batch.map((message) => tasks[message[0]](message[1]))));
