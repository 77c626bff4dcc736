/** One queue system under test, on the bench's Postgres. */
export interface PgSystem {
  readonly name: string;
  /** The configuration measured (its best batched one). */
  readonly config: string;
  /** Fresh schema, connections. */
  setup(): Promise<void>;
  /** Stores `n` no-op jobs in batches of `batch` (payload `{ seq }`). */
  publish(n: number, batch: number): Promise<void>;
  /** One job now (latency runs); returns when the call returned. */
  publishOne(seq: number): Promise<void>;
  /** The schema to ANALYZE after a bulk insert. */
  readonly schema: string;
  /** Starts workers; `onJob` is called once per job processed (handler start), with its payload. */
  startWorkers(onJob: (payload: { seq: number; sentAt?: number }) => void): Promise<void>;
  stopWorkers(): Promise<void>;
  teardown(): Promise<void>;
}
