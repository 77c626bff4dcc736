export { appendDelivery, readDeliveries, deliveryLogFile, type DeliveryRecord } from './delivery-log.js';
export { checkDeliveries, type OracleReport, type OrderViolation, type PublishedRecord } from './oracle.js';
export { runFaultWorker, FAULT_ENV, type FaultWorkerOptions, type FromWorker, type ToWorker } from './fault-worker.js';
export { appendEvent, readEvents, eventLogFile, LOGGED_EVENTS, type EventRecord } from './event-log.js';
export { WorkerProcess, type WorkerStart, type Exit } from './worker-process.js';
export { freePort } from './free-port.js';
