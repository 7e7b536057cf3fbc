/**
 * The worker module of the README's first command: `workforce run` calls the default export once
 * per input line, on worker threads, with that line's JSON value.
 */

/** How many primes are below `n` (a sieve of Eratosthenes: CPU work, as in most jobs people parallelise). */
export default function countPrimes(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a whole number ≥ 0, got ${JSON.stringify(n)}`);
  const composite = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

/** `--method factor`: the prime factors of `n`, smallest first. */
export function factor(n) {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a whole number ≥ 1, got ${JSON.stringify(n)}`);
  const factors = [];
  for (let p = 2; p * p <= n; p++) {
    while (n % p === 0) {
      factors.push(p);
      n /= p;
    }
  }
  if (n > 1) factors.push(n);
  return factors;
}
