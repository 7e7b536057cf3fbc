/** What a remote call puts in its BullMQ job, and the checks a consumer runs on it (job data is untrusted). */
import { SerializationError } from '../errors/serialization-error.js';

/**
 * Version of this layout: a consumer refuses a job it cannot read instead of guessing.
 * 2: payloads may also be 'j' + JSON (payload.ts), which a version-1 consumer cannot read.
 */
export const CALL_VERSION = 2;

/** Name of the QueueEvents event a producer publishes to learn that its QueueEvents reads the stream. */
export const READY_EVENT = 'workforce:listening';

export interface CallData {
  /** Layout version. */
  v: number;
  /** Named export, or null for the default export. */
  m: string | null;
  /** 1: the addTask form `fn(arg, ctx)`; 0: `fn(...args)`. */
  s: 0 | 1;
  /** Serializer of `a` and of the result: 'cbor', 'json' or 'custom' (each consumer's own). */
  c: string;
  /** The encoded argument list (payload.ts). */
  a: string;
  /** Limit of the encoded result, bytes (the producer's maxPayloadBytes). */
  l: number;
}

export function callData(method: string | undefined, single: boolean, serializer: string, args: string, limit: number): CallData {
  return { v: CALL_VERSION, m: method ?? null, s: single ? 1 : 0, c: serializer, a: args, l: limit };
}

/** Checks a job's data is a call this consumer can run. */
export function readCall(data: unknown): CallData {
  const d = data as Partial<CallData> | null;
  if (typeof d !== 'object' || d === null || d.v !== CALL_VERSION) throw new SerializationError('The job is not a workforce call (or one of another version)');
  if ((d.m !== null && (typeof d.m !== 'string' || d.m === '')) || (d.s !== 0 && d.s !== 1) || typeof d.c !== 'string' || typeof d.a !== 'string') {
    throw new SerializationError('The job is not a well-formed workforce call');
  }
  if (typeof d.l !== 'number' || !(d.l > 0)) throw new SerializationError('The job names no valid result size limit');
  return d as CallData;
}
