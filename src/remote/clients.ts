/**
 * The Redis clients of a remote pool or consumer. It opens them itself and hands them to BullMQ
 * (which never closes a client it is given), so that it can always end them: a connection BullMQ
 * opened from options and that never got ready (Redis gone while it started) ignores BullMQ's own
 * disconnect() and retries for ever, keeping the process alive.
 */
import type { ConnectionOptions } from 'bullmq';
import createDebug from 'debug';
import { Redis, type RedisOptions } from 'ioredis';

const debug = createDebug('workforce:redis');

/**
 * A connection of its own (a subscribed connection can do nothing else); a client given as the
 * connection is duplicated. `blocking` (the default): its commands wait for Redis however long it
 * is away (BullMQ's rule for blocking connections); else they fail after ioredis's retries.
 * `lazy`: it connects only once used.
 */
export function openRedis(connection: ConnectionOptions, { blocking = true, lazy = false } = {}): Redis {
  const given = connection as { duplicate?: (override?: RedisOptions) => unknown };
  const own: RedisOptions = { ...(blocking ? { maxRetriesPerRequest: null } : {}), ...(lazy ? { lazyConnect: true } : {}) };
  return quiet(typeof given.duplicate === 'function' ? (given.duplicate(own) as Redis) : new Redis({ ...(connection as RedisOptions), ...own }));
}

/** Connection trouble is retried by ioredis and logged: never an uncaught 'error'. */
function quiet(redis: Redis): Redis {
  redis.on('error', (error: Error) => debug('redis error: %s', error.message));
  return redis;
}

/**
 * Disconnects `redis` and resolves once its socket is closed (1 s at most: a connection that never
 * opened has none). One waiting to reconnect (its server gone) has no socket either: it is closed at once.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    redis.once('end', resolve);
    timer = setTimeout(resolve, 1000);
    timer.unref();
  });
  redis.disconnect();
  await ended;
  clearTimeout(timer);
}

/** Every client opened for one pool or consumer, and the copies BullMQ made of them. */
export class OwnClients {
  readonly #all: Redis[] = [];

  constructor(private readonly connection: ConnectionOptions) {}

  /**
   * A client for a BullMQ object (see openRedis for `blocking`). For a blocking connection BullMQ
   * uses copies (`duplicate()`) of the client it is given: give it a `lazy` one, a template that
   * never connects itself; its copies connect, and are owned here too.
   */
  open(options: { blocking: boolean; lazy?: boolean }): Redis {
    const client = openRedis(this.connection, options);
    this.#own(client);
    return client;
  }

  #own(client: Redis): void {
    this.#all.push(client);
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((override?: RedisOptions) => {
      const copy = quiet(duplicate({ ...override, lazyConnect: false }));
      this.#own(copy);
      return copy;
    }) as Redis['duplicate'];
  }

  /** Ends every client now, those waiting to reconnect included (Redis is gone). */
  disconnect(): void {
    for (const client of this.#all) client.disconnect();
  }

  /** Closes every client (each resolves once its socket is closed, 1 s at most). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#all.map(closeRedis));
  }
}
