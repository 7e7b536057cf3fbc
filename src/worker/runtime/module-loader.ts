import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { MethodNotFoundError } from '../../errors/method-not-found-error.js';
import { MissingDependencyError } from '../../errors/missing-dependency-error.js';
import { ModuleLoadError } from '../../errors/module-load-error.js';
import { esmOnly, isCommonJs } from './module-format.js';
import { isTypeScript, nativeTypeScript, requireTsxFor, resolveTsx } from './typescript.js';

export type ModuleNamespace = Record<string, unknown>;
export type Entry = (...args: unknown[]) => unknown;

/**
 * Turns the user's `module` option (absolute path, relative path — resolved against
 * process.cwd() — or file: URL) into a file URL, and checks the file exists so a typo fails at
 * createPool, not in every worker (for a relative path, the error names the directory searched).
 */
export function resolveModule(module: unknown): string {
  if (module instanceof URL) module = module.href;
  if (typeof module !== 'string' || module === '') throw new InvalidOptionError('module', module, 'a path or file: URL of the worker module');
  // another scheme (http:, data:, node:) would otherwise be read as a relative path
  if (/^[a-z][a-z\d+.-]+:/i.test(module) && !module.startsWith('file:'))
    throw new InvalidOptionError('module', module, 'a path or file: URL of the worker module');
  const relative = !module.startsWith('file:') && !isAbsolute(module);
  const path = module.startsWith('file:') ? fileURLToPath(module) : relative ? resolve(module) : module;
  if (!existsSync(path)) {
    // a relative path is resolved against process.cwd(), not the calling file: say where it looked
    const where = relative
      ? ` (the relative path ${JSON.stringify(module)} was resolved against the current directory, process.cwd() = ${process.cwd()}; for a path next to your file use new URL('${module.startsWith('.') ? module : `./${module}`}', import.meta.url))`
      : '';
    throw new ModuleLoadError(`Cannot find worker module ${path}${where}`, path);
  }
  requireTsxFor(path); // a .ts module on a Node without type stripping needs tsx: say so now

  return pathToFileURL(path).href;
}

/**
 * How CommonJS worker modules are required: by the runtime entry's own require() when it is
 * CommonJS (the process runtime hands it over with useRequire, and so never loads node:module,
 * which brings parts of the ESM loader along), else by one made here for this ESM module.
 */
let requireFile: ((path: string) => unknown) | undefined;

/** The CommonJS runtime entry's require(), used for CommonJS worker modules. */
export function useRequire(require: (path: string) => unknown): void {
  requireFile = require;
}

/**
 * Imports a worker module: ESM, CJS, or TypeScript — by Node itself when it strips types, else
 * through tsx (an optional peer dependency, loaded only here; no loader setup needed). A CommonJS
 * module is required, not imported (no ESM loader for it, see module-format.ts), and seen as
 * import() shows it: `module.exports` as the default export.
 */
export async function loadModule(url: string): Promise<ModuleNamespace> {
  const path = fileURLToPath(url);
  try {
    if (isCommonJs(path)) {
      try {
        requireFile ??= process.getBuiltinModule('node:module').createRequire(import.meta.url);
        return { default: requireFile(path) };
      } catch (error) {
        if (!esmOnly(error)) throw error;
      }
    }
    if (isTypeScript(path)) {
      if (nativeTypeScript(path)) {
        try {
          return (await import(url)) as ModuleNamespace;
        } catch (error) {
          // syntax type stripping cannot erase (enum, namespace) or a file under node_modules: tsx, when installed, can
          const code = (error as { code?: unknown })?.code;
          const tsxCan = code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' || code === 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING';
          if (!tsxCan || resolveTsx() === undefined) throw error;
        }
      } else requireTsxFor(path);
      const { tsImport } = await import('tsx/esm/api');
      return (await tsImport(url, import.meta.url)) as ModuleNamespace;
    }
    return (await import(url)) as ModuleNamespace;
  } catch (error) {
    if (error instanceof MissingDependencyError) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ModuleLoadError(`Cannot load worker module ${path}: ${detail}`, path, { cause: error });
  }
}

/**
 * Where methods live: the namespace, then a CJS `module.exports` object / default export object.
 * Only their own properties count: `toString`, `constructor`, `__proto__`, … are not exports.
 */
function lookup(mod: ModuleNamespace, name: string): unknown {
  if (name !== 'default' && Object.hasOwn(mod, name)) return mod[name];
  const def = mod.default as ModuleNamespace | undefined;
  if (holds(def, name)) return member(def as ModuleNamespace, name);
  // tsx / CJS interop may nest the exports one level deeper
  const inner = def?.default as ModuleNamespace | undefined;
  if (holds(inner, name)) return member(inner as ModuleNamespace, name);
  return undefined;
}

/**
 * The exports object has `name` itself or from its own classes (`module.exports = new Service()`),
 * not from Object.prototype or Function.prototype (`toString`, `constructor` are not methods).
 */
function holds(exports: unknown, name: string): boolean {
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return false;
  for (let o: object | null = exports; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name) && !(name === 'constructor' && o !== exports)) return true;
  }
  return false;
}

/** A method keeps its object as `this` (a class instance's methods need it). */
function member(exports: ModuleNamespace, name: string): unknown {
  const value = exports[name];
  return typeof value === 'function' ? value.bind(exports) : value;
}

/** The function a call runs: a named export, or the default export / `workerEntrypoint`. */
export function resolveEntry(mod: ModuleNamespace, method: string | undefined, modulePath: string): Entry {
  if (method !== undefined) {
    const fn = lookup(mod, method);
    if (fn === undefined) throw new MethodNotFoundError(method, modulePath);
    if (typeof fn !== 'function') throw new MethodNotFoundError(method, modulePath, `is a ${typeof fn}, not a function,`);
    return fn as Entry;
  }
  let def = mod.default;
  if (typeof def !== 'function' && def && typeof (def as ModuleNamespace).default === 'function') def = (def as ModuleNamespace).default;
  if (typeof def === 'function') return def as Entry;
  const entry = lookup(mod, 'workerEntrypoint');
  if (typeof entry === 'function') return entry as Entry;
  throw new MethodNotFoundError('default', modulePath, 'is not a function exported as default or workerEntrypoint');
}

/** A lifecycle hook: `onWorkerStart` / `onWorkerExit` as exports or as properties of the entry point (probedjs). */
export function resolveHook(mod: ModuleNamespace, name: 'onWorkerStart' | 'onWorkerExit'): Entry | undefined {
  const direct = lookup(mod, name);
  if (typeof direct === 'function') return direct as Entry;
  for (const holder of [mod.default, lookup(mod, 'workerEntrypoint')]) {
    const hook = (holder as ModuleNamespace | undefined)?.[name];
    if (typeof hook === 'function') return hook as Entry;
  }
  return undefined;
}
