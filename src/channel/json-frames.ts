/**
 * Frames of a module worker over a JSON IPC channel (a process forked with `serialization:
 * 'json'`), carried exactly as Node's 'advanced' (structured clone) channel would carry them:
 *
 * - a frame JSON carries exactly (see jsonExact) goes as it is: JSON.stringify and JSON.parse,
 *   cheaper per message than the V8 serializer, and a lighter child;
 * - one whose only slots JSON cannot carry are top-level `undefined`s (a call that returned
 *   nothing, a message without content) goes as `[UNDEFINED, slots, frame]`, and those slots are
 *   set back to undefined on arrival;
 * - any other (a Date, a Map, a Buffer, BigInt, a cycle, an object reached twice …) goes as
 *   `[V8, base64 of v8.serialize(frame)]`: the same bytes the 'advanced' channel would send.
 *
 * Frames are arrays whose first slot is a number (worker/protocol.ts), so the two string marks
 * cannot be mistaken for one. A message that claims a mark but does not decode is handed on as it
 * came, for the protocol to refuse as malformed: a worker's frames are untrusted input.
 */
import { deserialize, serialize } from 'node:v8';
import { jsonExact } from '../serializer/json-exact.js';

/** Set in a process worker's environment when its channel is JSON (read and removed by the child at start). */
export const JSON_FRAMES_ENV = 'WORKFORCE_JSON_FRAMES';

const V8 = '\u0000v8';
const UNDEFINED = '\u0000undefined';

/** The objects met while checking a frame, kept between frames (cleared after each) so that checking one allocates nothing. */
const shared = new Set<object>();
let checking = false;

/** What to send for `frame` on a JSON channel. Throws (like a structured clone) for what V8 cannot serialize. */
export function encodeJsonFrame(frame: unknown): unknown {
  if (Array.isArray(frame) && frame[0] !== V8 && frame[0] !== UNDEFINED) {
    // a getter read while checking may send a frame itself: that one checks with a set of its own
    const seen = checking ? new Set<object>() : shared;
    const outer = !checking;
    checking = true;
    let holes: number[] | undefined;
    let exact = true;
    try {
      for (let i = 0; i < frame.length; i++) {
        const value = frame[i];
        if (value === undefined) (holes ??= []).push(i);
        else if (!jsonExact(value, seen, 1)) {
          exact = false;
          break;
        }
      }
    } finally {
      if (outer) {
        checking = false;
        shared.clear();
      }
    }
    if (exact) return holes ? [UNDEFINED, holes, frame] : frame;
  } else if (!Array.isArray(frame) && jsonExact(frame)) return frame;
  return [V8, serialize(frame).toString('base64')];
}

/** The frame a message from a JSON channel carries (the message itself when it is not encoded, or does not decode). */
export function decodeJsonFrame(message: unknown): unknown {
  if (!Array.isArray(message) || message.length !== (message[0] === V8 ? 2 : 3)) return message;
  if (message[0] === V8) {
    if (typeof message[1] !== 'string') return message;
    try {
      return deserialize(Buffer.from(message[1], 'base64'));
    } catch {
      return message;
    }
  }
  if (message[0] === UNDEFINED) {
    const [, slots, frame] = message;
    if (!Array.isArray(slots) || !Array.isArray(frame)) return message;
    for (const slot of slots) if (!Number.isInteger(slot) || slot < 0 || slot >= frame.length) return message;
    for (const slot of slots) frame[slot] = undefined;
    return frame;
  }
  return message;
}

/** How a process channel's frames travel: as they are (Node's 'advanced' channel), or JSON-encoded as above. */
export interface FrameCoding {
  encode(frame: unknown): object;
  /** `listener` as a 'message' listener: each message is decoded first. */
  receiver(listener: (frame: unknown) => void): (message: unknown) => void;
}

const AS_IS: FrameCoding = { encode: (frame) => frame as object, receiver: (listener) => listener };
const JSON_FRAMES: FrameCoding = {
  encode: (frame) => encodeJsonFrame(frame) as object,
  receiver: (listener) => (message) => listener(decodeJsonFrame(message)),
};

/** The coding of a process channel, on either side: JSON frames when it was forked with a JSON channel. */
export function frameCoding(jsonFrames: boolean): FrameCoding {
  return jsonFrames ? JSON_FRAMES : AS_IS;
}
