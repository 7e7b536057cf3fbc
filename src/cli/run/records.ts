/** The JSON Lines a run writes: one result line per succeeded input, one error line per failed input. */
import { SerializationError } from '../../errors/serialization-error.js';

/** A result line (with its newline); throws SerializationError for a result JSON cannot hold (a BigInt, a cycle). */
export function resultRecord(line: number, input: unknown, output: unknown, withInput: boolean): string {
  try {
    const json = JSON.stringify(withInput ? { line, input, output: output ?? null } : (output ?? null));
    return `${json}\n`;
  } catch (error) {
    throw new SerializationError(`Line ${line}: the result cannot be written as JSON (${(error as Error).message})`, { cause: error });
  }
}

/** `{"line":n,"input":…,"error":{name,message,code}}` with its newline. */
export function errorRecord(line: number, input: unknown, error: unknown): string {
  let json: string;
  try {
    json = JSON.stringify({ line, input, error: describe(error) });
  } catch {
    json = JSON.stringify({ line, input: String(input), error: describe(error) });
  }
  return `${json}\n`;
}

function describe(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : undefined;
    return { name: String(e.name ?? 'Error'), message: String(e.message), ...(code === undefined ? {} : { code }) };
  }
  return { name: 'Error', message: String(error) };
}
