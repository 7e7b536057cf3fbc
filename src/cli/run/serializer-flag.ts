/** `--serializer`: a built-in name or a Serializer module, checked before the pool starts. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { ModuleLoadError } from '../../errors/module-load-error.js';
import { isBuiltInSerializer, loadSerializer } from '../../serializer/resolve.js';
import { CommandError, ExitCode } from '../exit-codes.js';

/** A serializer name as is; anything else is a path, relative to the working directory. */
export function serializerSpec(spec: string | undefined, cwd: string): string | undefined {
  if (spec === undefined || spec === 'json' || spec === 'cbor' || spec === 'structured') return spec;
  return resolve(cwd, spec);
}

/**
 * A --serializer module must load and export a Serializer: loaded here first (the pool loads it in
 * this process too), so that a bad one is bad usage (exit 2), not a worker module that cannot load.
 */
export async function checkSerializer(flag: string | undefined, spec: string | undefined): Promise<void> {
  if (spec === undefined || isBuiltInSerializer(spec)) return;
  const problem = existsSync(spec)
    ? await loadSerializer(spec).then(
        () => undefined,
        (error: unknown) => serializerProblem(spec, error),
      )
    : `no such file ${spec} (a serializer is structured, json, cbor or the path of a Serializer module)`;
  if (problem) throw new CommandError(`workforce run: --serializer ${flag}: ${problem}`, ExitCode.USAGE);
}

/** What is wrong with the serializer `spec`, from the error its loading failed with. */
export function serializerProblem(spec: string, error: unknown): string {
  if (error instanceof InvalidOptionError) return `${spec} is not a Serializer module (its default export must be a class with encode() and decode() methods)`;
  return `cannot load ${spec}: ${String(error)}`;
}

/**
 * The pool's report of a serializer its workers could not load (a ModuleLoadError of phase
 * 'serializer', the cause of the pool's giving up), if `fatal` is one; `cause` is what failed.
 */
export function serializerFailure(fatal: Error): { cause: unknown } | undefined {
  for (let error: unknown = fatal; error instanceof Error; error = error.cause) {
    if (error instanceof ModuleLoadError && error.phase === 'serializer') return { cause: error.cause };
    if (error instanceof InvalidOptionError && error.option === 'serializer') return { cause: error };
  }
  return undefined;
}
