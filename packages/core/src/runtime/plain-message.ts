import type { Headers, NewMessage } from '../contracts/message.js';

type Fields = { -readonly [K in keyof NewMessage]: NewMessage[K] };

interface PlainMessageConstructor {
  new (
    id: string,
    explicitId: boolean,
    queue: string,
    type: string,
    payload: unknown,
    createdAt: number,
    runAt: number,
    expiresAt: number | undefined,
    maxAttempts: number | undefined,
    partitionKey: string | undefined,
    dedupeKey: string | undefined,
    headers: Headers,
  ): NewMessage;
}

function plainMessage(
  this: Fields,
  id: string,
  explicitId: boolean,
  queue: string,
  type: string,
  payload: unknown,
  createdAt: number,
  runAt: number,
  expiresAt: number | undefined,
  maxAttempts: number | undefined,
  partitionKey: string | undefined,
  dedupeKey: string | undefined,
  headers: Headers,
): void {
  this.id = id;
  this.explicitId = explicitId;
  this.queue = queue;
  this.type = type;
  this.payload = payload;
  this.createdAt = createdAt;
  this.runAt = runAt;
  this.expiresAt = expiresAt;
  this.maxAttempts = maxAttempts;
  this.partitionKey = partitionKey;
  this.dedupeKey = dedupeKey;
  this.headers = headers;
}
// What `new` makes is a plain object, as a literal would be: prototype Object.prototype,
// `constructor === Object`, the same own properties in the same order.
plainMessage.prototype = Object.prototype;

/**
 * Makes the {@link NewMessage}s `buildMessages` returns: plain objects, made by `new` rather than
 * by an object literal. V8 watches how long the objects of each literal live, and when most of
 * them outlive a scavenge (messages waiting in a queue do) it allocates that literal's objects
 * straight in the old generation from then on, for good ("pretenuring"). Queued messages die soon
 * after all, so they became old garbage pointing at young ids and payloads, which every scavenge
 * had to copy and promote until a full GC: about twice the CPU per message, at random, depending
 * on when a scavenge first met a freshly published batch. V8 does not pretenure objects made by `new`.
 */
export const PlainMessage = plainMessage as unknown as PlainMessageConstructor;
