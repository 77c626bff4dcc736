import type { ConformanceCase } from '../types.js';
import { backpressureCases } from './backpressure.js';
import { batchSettleCases } from './batch-settle.js';
import { closeCases } from './close.js';
import { concurrentConsumerCases } from './concurrent-consumers.js';
import { crashRecoveryCases } from './crash-recovery.js';
import { deadLetterCases } from './dead-letter.js';
import { difficultBackendCases } from './difficult-backends.js';
import { dedupeCases } from './dedupe.js';
import { delayCases } from './delay.js';
import { expiryCases } from './expiry.js';
import { fencingCases } from './fencing.js';
import { hostileProcessorCases } from './hostile-processors.js';
import { leaseCases } from './lease.js';
import { lifecycleCases } from './lifecycle.js';
import { listenerIsolationCases } from './listener-isolation.js';
import { orderingCases } from './ordering.js';
import { payloadIsolationCases } from './payload-isolation.js';
import { permanentErrorCases } from './permanent-error.js';
import { persistenceCases } from './persistence.js';
import { pullCases } from './pull.js';
import { replayCases } from './replay.js';
import { retryBackoffCases } from './retry-backoff.js';
import { roundTripCases } from './round-trip.js';
import { shutdownCases } from './shutdown.js';
import { spiRuleCases } from './spi-rules.js';
import { statsCases } from './stats.js';
import { timeoutCases } from './timeout.js';
import { validationCases } from './validation.js';

/** Every area of the suite, in the order it is registered. */
export const CASE_GROUPS: ReadonlyArray<readonly [area: string, cases: readonly ConformanceCase[]]> = [
  ['round trip', roundTripCases],
  ['payload isolation', payloadIsolationCases],
  ['batch settle', batchSettleCases],
  ['retry and backoff', retryBackoffCases],
  ['dead letters', deadLetterCases],
  ['permanent errors', permanentErrorCases],
  ['dead-letter replay', replayCases],
  ['delay', delayCases],
  ['expiry', expiryCases],
  ['dedupe', dedupeCases],
  ['backpressure', backpressureCases],
  ['ordering', orderingCases],
  ['concurrent consumers', concurrentConsumerCases],
  ['crash recovery', crashRecoveryCases],
  ['persistence', persistenceCases],
  ['fencing', fencingCases],
  ['difficult backends', difficultBackendCases],
  ['processor timeout', timeoutCases],
  ['leases', leaseCases],
  ['graceful shutdown', shutdownCases],
  ['close', closeCases],
  ['lifecycle events', lifecycleCases],
  ['listener isolation', listenerIsolationCases],
  ['hostile processors', hostileProcessorCases],
  ['validation', validationCases],
  ['pull', pullCases],
  ['stats', statsCases],
  ['provider SPI rules', spiRuleCases],
];
