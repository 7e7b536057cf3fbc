// travetto's image-processing queue: a fixed-size pool of converter processes fed on demand
// through an AsyncQueue. Run after a build: node examples/spawned/images.mjs
import { fileURLToPath } from 'node:url';
import { AsyncQueue, spawnedWorker, WorkPool } from 'workforcejs';

const converter = fileURLToPath(new URL('./convert.mjs', import.meta.url));

class ImageCompressor extends WorkPool {
  pendingImages = new AsyncQueue();

  constructor() {
    super(
      () =>
        spawnedWorker(converter, {
          handlers: {
            init: (channel) => channel.once('ready'),
            async execute(channel, path) {
              const done = channel.once('converted');
              channel.send('convert', { path });
              return done;
            },
          },
        }),
      { maxWorkers: 2 },
    );
    this.on('item', (path, { output, pid }) => console.log(`${path} -> ${output} (process ${pid})`));
  }

  /** Starts converting whatever is queued; resolves once the queue is closed and drained. */
  begin() {
    return this.process(this.pendingImages);
  }

  convert(...images) {
    this.pendingImages.add(...images);
  }

  /** No more images: finish the queued ones, then end the converters. */
  async finish(running) {
    this.pendingImages.close();
    const summary = await running;
    await this.close();
    return summary;
  }
}

const compressor = new ImageCompressor();
const running = compressor.begin();
compressor.convert('cat.png', 'dog.jpg');
setTimeout(() => compressor.convert('bird.gif', 'fish.bmp', 'fox.tiff'), 200);
setTimeout(async () => {
  const { completed, failed } = await compressor.finish(running);
  console.log(`converted ${completed} images, ${failed} failed`);
}, 400);
