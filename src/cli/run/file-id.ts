/**
 * The files `workforce run` reads and writes, by identity: one file named twice (the output or the
 * errors file is the input, through a link too) must be refused before anything is opened for
 * writing, or the input is truncated under its reader.
 */
import { fstatSync, type Stats, statSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** A file the run reads or writes: its path (none for stdin), and its stats when it exists (links followed). */
export interface FileId {
  path?: string;
  stats?: Stats;
}

/** The file at `path` (links followed). */
export function fileAt(path: string): FileId {
  try {
    return { path, stats: statSync(path) };
  } catch {
    return { path }; // not there yet (or not reachable: opening it says why)
  }
}

/** stdin, when it is a file descriptor (`< in.jsonl`). */
export function stdinFile(stdin: Readable): FileId {
  const fd = (stdin as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return {};
  try {
    return { stats: fstatSync(fd) };
  } catch {
    return {};
  }
}

/**
 * One regular file under two names (same device and inode: a symlink, a hard link, another
 * spelling), or one path not created yet. Devices (`/dev/null`, `/dev/stdout`) may be named twice.
 */
export function sameFile(a: FileId, b: FileId): boolean {
  if (a.stats && b.stats) return a.stats.isFile() && a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino;
  return a.path !== undefined && a.path === b.path;
}
