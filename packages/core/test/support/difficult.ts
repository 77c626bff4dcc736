// The testkit's difficult-provider wrapper, for core's own runtime tests. Imported from the
// testkit's source by path: @mqkit/testkit depends on @mqkit/core, so core cannot depend on it
// (a workspace cycle). The wrapper loads @mqkit/core's *built* copy while these tests run core's
// source — two copies of core in one process, as an app (ESM) and a provider (CJS) can load —
// so every error the wrapper injects (a LeaseLostError) is one core must recognise by its code.
import type { QueueProvider } from '../../src/contracts/provider.js';
import { difficult as wrap, type DifficultOptions, type DifficultProvider } from '../../../testkit/src/difficult/index.js';

export { fault, on, scripts, BackendBlip } from '../../../testkit/src/difficult/index.js';
export type { DifficultProvider } from '../../../testkit/src/difficult/index.js';

/** `difficult(provider)` with the types of this copy of core (the wrapper is typed against the built one). */
export function difficult(provider: QueueProvider, options?: DifficultOptions): DifficultProvider & { readonly spi: QueueProvider } {
  const d = wrap(provider as unknown as Parameters<typeof wrap>[0], options);
  return Object.assign(d, { spi: d.provider as unknown as QueueProvider });
}
