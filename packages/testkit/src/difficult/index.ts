export { difficult, type DifficultOptions, type DifficultProvider } from './difficult-provider.js';
export { fault, on, scripts, BackendBlip, type Call, type Fault, type Operation, type Script } from './faults.js';
export { CallLog, type LoggedCall, type Overlap } from './call-log.js';
