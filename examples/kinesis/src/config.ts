// Everything this application reads from its environment, in one place (the provider itself
// reads none: it gets a client and a Redis connection).

export interface Config {
  /** The stream (= queue name). */
  readonly stream: string;
  readonly region: string;
  /** Set for kinesalite or LocalStack; unset on AWS. */
  readonly endpoint: string | undefined;
  readonly redisUrl: string;
  /** Workers of one application share the shards. */
  readonly application: string;
  /** Create the stream if it is missing (development only). */
  readonly createShards: number | undefined;
  /** `produce`, `consume` or both. */
  readonly role: 'produce' | 'consume' | 'both';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const role = env.ROLE ?? 'both';
  if (role !== 'produce' && role !== 'consume' && role !== 'both') throw new Error(`ROLE must be produce, consume or both, got ${role}`);
  return {
    stream: env.STREAM ?? 'orders',
    region: env.AWS_REGION ?? 'us-east-1',
    endpoint: env.KINESIS_ENDPOINT || undefined,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    application: env.APPLICATION ?? 'example',
    createShards: env.CREATE_SHARDS === undefined ? undefined : Number(env.CREATE_SHARDS),
    role,
  };
}
