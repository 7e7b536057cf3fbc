// A stand-in for an image converter: "converts" each path after a short sleep.
import { ChildChannel } from 'workforcejs/worker';

const channel = new ChildChannel();

channel.on('convert', async ({ path }) => {
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  channel.send('converted', { path, output: path.replace(/\.\w+$/, '.webp'), pid: process.pid });
});

channel.send('ready');
