/** The error of a feature whose optional package is not installed (tsx, for .ts workers on a Node without type stripping). */
import { ModuleLoadError } from './module-load-error.js';

/**
 * An optional peer dependency a feature needs is not installed: `dependency` names the package
 * (`npm install <dependency>` adds it). Today only `tsx`, needed to load a `.ts` worker module or
 * spawned script on a Node that cannot strip types itself. A ModuleLoadError of phase 'module'
 * (retrying cannot help), thrown at createPool, or at spawn for a spawned `.ts` script.
 */
export class MissingDependencyError extends ModuleLoadError {
  override name = 'MissingDependencyError';
  override readonly code: string = 'ERR_WORKFORCE_MISSING_DEPENDENCY';
  constructor(
    message: string,
    /** The package to install. */
    readonly dependency: string,
    modulePath?: string,
    options?: { cause?: unknown },
  ) {
    super(message, modulePath, { ...options, phase: 'module' });
  }
}
