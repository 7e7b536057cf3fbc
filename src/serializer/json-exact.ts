/**
 * Whether JSON carries a value exactly: JSON.parse(JSON.stringify(value)) is what a structured
 * clone (or CBOR) of it gives back. Used where a transport may take JSON text instead of a binary
 * encoding: process IPC (channel/json-frames.ts) and BullMQ job payloads (remote/payload.ts).
 */

/** Deeper than this (or a cycle) is not JSON's. */
const MAX_DEPTH = 64;
/**
 * Longer arrays are not JSON's: telling one without named properties (a RegExp match has `index`
 * and `input`, which a structured clone keeps and JSON drops) costs a key per element.
 */
const MAX_CHECKED_ARRAY = 1024;

/**
 * True for strings, booleans, null, finite numbers other than -0, and dense arrays and plain
 * objects of those (no `__proto__` or `toJSON` key, no array with named properties, no object
 * reached twice: a clone keeps the one object, JSON would make two). Anything else (undefined,
 * -0, NaN, BigInt, Date, Map, Buffer, a class instance, a sparse array, a cycle) is not.
 * `seen`: the objects met so far in the enclosing value (one set per top-level value).
 */
export function jsonExact(value: unknown, seen: Set<object> = new Set(), depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH || seen.has(value)) return false;
      seen.add(value);
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype || value.length > MAX_CHECKED_ARRAY) return false;
        // a hole reads as undefined: refused like undefined itself
        for (let i = 0; i < value.length; i++) if (!jsonExact(value[i], seen, depth + 1)) return false;
        return Object.keys(value).length === value.length;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'toJSON') return false;
        if (!jsonExact((value as Record<string, unknown>)[key], seen, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
