'use strict';
// Bare child_process.fork reference: one message in, one message out, in order.
const { noop, payload, spin } = require('./tasks.cjs');

const tasks = [noop, payload, spin];
process.on('message', (message) => process.send(tasks[message[0]](message[1])));
