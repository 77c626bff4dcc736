export { uniqueQueueName, suiteName, type Reachable } from './names.js';
export { until, delay, within } from './until.js';
export { deferred, type Deferred } from './deferred.js';
export { nextEvent, collectEvents, type EventLog } from './events.js';
export { Deliveries, perMessage, type Delivery } from './deliveries.js';
export { assertMqkitError, assertErrorLike, thrownBy } from './errors.js';
export { pausable, type PausableProvider } from './pausable.js';
