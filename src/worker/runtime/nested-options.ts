import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import type { NestedOptions, NestedWireOptions } from '../protocol.js';

/**
 * The part of a nested task's options that is sent to the pool (a signal stays in the worker),
 * with probedjs's `workerAffinity` read as `affinity`, as the probedjs pool does.
 */
export function wireOptions(options: NestedOptions | undefined): NestedWireOptions | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new InvalidOptionError('options', options, 'an object');
  const { signal, affinityStrength } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  const affinity = options.affinity ?? options.workerAffinity;
  // checked here, where the caller gets the error: the pool refuses a NESTED frame carrying anything else
  if (affinity !== undefined && typeof affinity !== 'number' && typeof affinity !== 'string') {
    throw new InvalidOptionError('affinity', affinity, 'a worker id (number or string)');
  }
  if (affinityStrength !== undefined && affinityStrength !== 'light' && affinityStrength !== 'strong' && affinityStrength !== 'force') {
    throw new InvalidOptionError('affinityStrength', affinityStrength, "'light', 'strong' or 'force'");
  }
  if (affinity === undefined && affinityStrength === undefined) return undefined;
  const wire: NestedWireOptions = {};
  if (affinity !== undefined) wire.affinity = affinity;
  if (affinityStrength !== undefined) wire.affinityStrength = affinityStrength;
  return wire;
}
