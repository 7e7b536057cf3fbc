// The worker of examples/hashing: derives a key from one password with PBKDF2 (CPU-bound, synchronous).
import { pbkdf2Sync } from 'node:crypto';

/** The hex PBKDF2-SHA512 key of `password` (salted with its own index). */
export default function hash({ password, index, iterations }) {
  return pbkdf2Sync(password, `salt-${index}`, iterations, 32, 'sha512').toString('hex');
}
