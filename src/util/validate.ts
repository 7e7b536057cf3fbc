import { InvalidOptionError } from '../errors/invalid-option-error.js';

/** Option checks shared by pools, channels and spawned workers: each failure is an InvalidOptionError. */

/** A whole number ≥ min. */
export function count(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, value, `an integer ≥ ${min}`);
  }
  return value;
}

/** A number ≥ min, or Infinity (no limit). */
export function limit(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidOptionError(name, value, `a number ≥ ${min} or Infinity`);
  }
  return value;
}

/** The longest delay setTimeout honours (about 24.8 days): a longer one fires after 1 ms. */
export const MAX_DELAY = 2 ** 31 - 1;

/** A delay in ms for a timer: a number from min to MAX_DELAY, or Infinity (no timer). */
export function delay(name: string, value: unknown, min: number): number {
  const ms = limit(name, value, min);
  if (ms !== Number.POSITIVE_INFINITY && ms > MAX_DELAY) throw new InvalidOptionError(name, value, `a number of ms from ${min} to ${MAX_DELAY}, or Infinity`);
  return ms;
}

/** A delay for a timer that always fires: Infinity (wait for ever) becomes MAX_DELAY, the longest setTimeout keeps. */
export function timerDelay(name: string, value: unknown, min: number): number {
  return Math.min(delay(name, value, min), MAX_DELAY);
}

/** undefined, or an array of strings. */
export function strings(name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
    throw new InvalidOptionError(name, value, 'an array of strings');
}

export function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, value, 'a boolean');
  return value;
}
