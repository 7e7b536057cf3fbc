/** The Redis a remote pool or a consumer talks to: a redis:// URL or ioredis options, checked once. */
import type { ConnectionOptions } from 'bullmq';
import { InvalidOptionError } from '../errors/invalid-option-error.js';

/**
 * ms Redis gets at close() to take the last writes (results, hand-backs, adds, cancels) and close;
 * past it the connections are closed by force, so a consumer or producer whose Redis has gone still
 * stops. Also the most a consumer's hand-back waits for Redis before its local task is ended anyway.
 */
export const CLOSE_GRACE_MS = 2000;

/** ms given to connections closed by force to say so. */
export const FORCED_CLOSE_MS = 300;

/** `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS), or ioredis options such as `{ host, port }`. */
export type RedisConnection = string | ConnectionOptions;

/**
 * The ioredis options (or client) `connection` stands for. Consumers hand the options to BullMQ,
 * which then opens and closes each connection itself; a remote pool opens its own clients from them
 * (remote-pool.ts #clients), so that it can always end them.
 */
export function connectionOptions(connection: unknown): ConnectionOptions {
  if (typeof connection === 'string') return fromUrl(connection);
  if (typeof connection === 'object' && connection !== null && !Array.isArray(connection)) return connection as ConnectionOptions;
  throw new InvalidOptionError('connection', connection, 'a redis:// URL or ioredis options such as { host, port }');
}

function fromUrl(text: string): ConnectionOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionError('connection', text, 'a redis:// URL or ioredis options such as { host, port }');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InvalidOptionError('connection', text, 'a redis:// or rediss:// URL');
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InvalidOptionError('connection', text, 'a URL whose path is a database number');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** `host:port` of a connection, for messages (never its credentials). */
export function redisAddress(connection: ConnectionOptions): string {
  const options = (connection as { options?: { host?: string; port?: number } }).options ?? (connection as { host?: string; port?: number });
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}
