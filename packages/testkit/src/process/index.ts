export { appendDelivery, readDeliveries, deliveryLogFile, DeliveryLogReader, type DeliveryRecord } from './delivery-log.js';
export { checkDeliveries, type OracleReport, type OrderViolation, type PublishedRecord } from './oracle.js';
export { runFaultWorker, FAULT_ENV, type FaultWorkerOptions, type FromWorker, type ToWorker, type WorkerHealth } from './fault-worker.js';
export { WorkerProcess, type WorkerStart, type Exit } from './worker-process.js';
export { TcpProxy } from './tcp-proxy.js';
export { freePort } from './free-port.js';
export { publishSurely } from './publish-surely.js';
export { appendEvent, readEvents, eventLogFile, LOGGED_EVENTS, type EventRecord } from './event-log.js';
export { startKinesalite, type Kinesalite, type KinesaliteClientConfig } from './kinesalite.js';
