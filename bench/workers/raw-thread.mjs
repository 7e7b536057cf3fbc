// Bare worker_threads reference: one message in, one message out, in order.
import { parentPort } from 'node:worker_threads';
import { noop, payload, spin } from './tasks.cjs';

const tasks = [noop, payload, spin];
parentPort.on('message', (message) => parentPort.postMessage(tasks[message[0]](message[1])));
