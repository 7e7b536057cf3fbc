import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { ModuleLoadError } from '../errors/module-load-error.js';
import { JsonSerializer } from './json.js';
import type { Serializer } from './serializer.js';
import { StructuredSerializer } from './structured.js';

/** `'json' | 'cbor' | 'structured'`, or the absolute path / file URL of a module exporting a Serializer class. */
export type SerializerSpec = 'json' | 'cbor' | 'structured' | (string & {});

// cbor-x is loaded only by pools that use it: a worker that never needs it stays smaller.
const builtIn: Record<string, () => Serializer | Promise<Serializer>> = {
  json: () => new JsonSerializer(),
  cbor: async () => new (await import('./cbor.js')).CborSerializer(),
  structured: () => new StructuredSerializer(),
};

/** One of the three names (own keys only: 'toString' or '__proto__' is not a serializer). */
export function isBuiltInSerializer(spec: string): boolean {
  return Object.hasOwn(builtIn, spec);
}

export function checkSerializerSpec(spec: unknown): SerializerSpec {
  if (typeof spec !== 'string' || spec === '') {
    throw new InvalidOptionError('serializer', spec, "'json', 'cbor', 'structured' or the path of a Serializer module");
  }
  if (!isBuiltInSerializer(spec) && !isAbsolute(spec) && !spec.startsWith('file:')) {
    throw new InvalidOptionError('serializer', spec, "'json', 'cbor', 'structured' or an absolute path / file URL");
  }
  if (!isBuiltInSerializer(spec)) {
    // a missing file fails here, at once, rather than after every worker failed to start
    const path = spec.startsWith('file:') ? fileURLToPath(spec) : spec;
    if (!existsSync(path)) throw new ModuleLoadError(`Serializer module not found: ${path}`, path, { phase: 'serializer' });
  }
  return spec;
}

/** Builds the serializer named by `spec`; a path is imported (ESM or CJS) and its class instantiated. */
export async function loadSerializer(spec: SerializerSpec): Promise<Serializer> {
  if (isBuiltInSerializer(spec)) return builtIn[spec]();
  const url = spec.startsWith('file:') ? spec : pathToFileURL(spec).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const Ctor = pickClass(mod);
  if (!Ctor) throw new InvalidOptionError('serializer', spec, 'a module whose default export is a Serializer class');
  const instance = new Ctor() as Serializer;
  if (typeof instance.encode !== 'function' || typeof instance.decode !== 'function') {
    throw new InvalidOptionError('serializer', spec, 'a class with encode() and decode() methods');
  }
  return instance;
}

type Ctor = new () => unknown;
function pickClass(mod: Record<string, unknown>): Ctor | undefined {
  const candidates = [mod.default, (mod.default as Record<string, unknown> | undefined)?.default, ...Object.values(mod)];
  return candidates.find((c): c is Ctor => typeof c === 'function' && 'prototype' in c && typeof c.prototype.encode === 'function');
}
