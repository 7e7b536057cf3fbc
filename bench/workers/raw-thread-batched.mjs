// Bare worker_threads batched reference: one message in (the tick's tasks), one message out (their results, in order).
import { parentPort } from 'node:worker_threads';
import { noop, payload, spin } from './tasks.cjs';

const tasks = [noop, payload, spin];
parentPort.on('message', (batch) => parentPort.postMessage(batch.map((message) => tasks[message[0]](message[1]))));
