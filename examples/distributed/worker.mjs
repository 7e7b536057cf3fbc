// The worker module every consumer serves: a small piece of work that says who did it.
import { setTimeout as sleep } from 'node:timers/promises';

export default async function square(n) {
  await sleep(20 + (n % 5) * 10); // pretend to work
  return { n, square: n * n, by: process.pid };
}
