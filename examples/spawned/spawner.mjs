// travetto's "Spawning Pool" as written, through workforcejs/compat (travetto's names): every input
// goes to a child process that doubles it.
// Run after a build: node examples/spawned/spawner.mjs
import { fileURLToPath } from 'node:url';
import { IterableInputSource, spawnedWorker, WorkPool } from 'workforcejs/compat';

const child = fileURLToPath(new URL('./spawned.mjs', import.meta.url));

const pool = new WorkPool(
  () =>
    spawnedWorker(child, {
      handlers: {
        async init(channel) {
          return channel.listenOnce('ready'); // Wait for child to indicate it is ready
        },
        async execute(channel, inp) {
          const res = channel.listenOnce('response'); //  Register response listener
          channel.send('request', { data: inp }); // Send request

          const { data } = await res; // Get answer
          console.log('Sent', inp, 'Received', data);

          if (!(inp + inp === data)) {
            // Ensure the answer is double the input
            throw new Error(`Didn't get the double`);
          }
        },
      },
    }),
  { max: 1 },
);

pool.process(new IterableInputSource([1, 2, 3, 4, 5])).then(() => pool.shutdown());
