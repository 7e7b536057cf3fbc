/** Number flags of the `workforce` commands, checked as the user typed them (the flag and its range in the message). */
import { InvalidArgumentError } from 'commander';

/** A whole number from `min` to `max` (the pool's own limits: --workers MAX_WORKERS, times the longest timer MAX_DELAY). */
export function integer(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${flag} takes a whole number ${range}, not ${JSON.stringify(value)}.`);
    }
    return n;
  };
}
